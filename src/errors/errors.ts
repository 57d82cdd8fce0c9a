import { HotjarFlowError } from './hotjar-flow-error.js';

/** One entry of a configuration error list: where, what kind, and a readable sentence. */
export interface ConfigIssue {
  code: string;
  path: string;
  message: string;
}

/** The flow file, a CLI flag or an API body does not satisfy its schema. */
export class ConfigError extends HotjarFlowError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], options: { cause?: unknown } = {}) {
    const first = issues[0];
    const summary = first === undefined ? 'invalid configuration' : formatIssue(first);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('CONFIG_INVALID', summary + more, { ...options, details: { issues } });
    this.issues = issues;
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** The upstream refused the credential (401 after a refresh, invalid_client, expired key). */
export class AuthError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('AUTH_FAILED', message, options);
  }
}

/** The upstream answered 403: the plan or the key's scope does not allow the call. */
export class ForbiddenError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('FORBIDDEN', message, options);
  }
}

/** A non-retryable HTTP answer (4xx other than 401/403/429), or retries exhausted on one. */
export class HttpStatusError extends HotjarFlowError {
  readonly status: number;

  constructor(
    status: number,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR', message, {
      ...options,
      details: { status, ...options.details },
    });
    this.status = status;
  }
}

/** Retries ran out (attempts or time budget) on something transient: 429, 5xx, resets. */
export class RetriesExhaustedError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('RETRIES_EXHAUSTED', message, options);
  }
}

/** A connection could not be made or broke, or a request timed out (before retries decide). */
export class NetworkError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('NETWORK_ERROR', message, options);
  }
}

/** A body could not be parsed as the configured format (HTML instead of JSON, truncated, …). */
export class ParseError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('PARSE_FAILED', message, options);
  }
}

/** A body exceeded the configured size limit. */
export class ResponseTooLargeError extends HotjarFlowError {
  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super('RESPONSE_TOO_LARGE', message, options);
  }
}

/** Pagination does not advance: a repeated cursor, a cycle, a repeated page. */
export class PaginationStalledError extends HotjarFlowError {
  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super('PAGINATION_STALLED', message, options);
  }
}

/** A destination could not write or commit a batch. */
export class DestinationError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('DESTINATION_FAILED', message, options);
  }
}

/** Another process holds the flow's run lock. */
export class FlowLockedError extends HotjarFlowError {
  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super('FLOW_LOCKED', message, options);
  }
}

/** The run was interrupted (SIGINT / SIGTERM / cancel). */
export class RunCancelledError extends HotjarFlowError {
  constructor(message = 'the run was interrupted') {
    super('RUN_CANCELLED', message);
  }
}

/** A Hotjar API key has passed its one-year expiry. */
export class KeyExpiredError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('KEY_EXPIRED', message, options);
  }
}

/** A store write would break a uniqueness rule or a reference (a name taken, a credential in use). */
export class StoreConflictError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('CONFLICT', message, options);
  }
}

/** The store holds no entity of that kind with that id (or name). */
export class StoreNotFoundError extends HotjarFlowError {
  constructor(entity: string, key: string, options: { details?: Record<string, unknown> } = {}) {
    super('NOT_FOUND', `no ${entity} ${JSON.stringify(key)}`, {
      details: { entity, key, ...options.details },
    });
  }
}

/** A pagination cursor was not produced by this list (altered, truncated or from another list). */
export class InvalidCursorError extends HotjarFlowError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('INVALID_CURSOR', message, options);
  }
}

/** The database was migrated by a newer release than this one; it is left untouched. */
export class StoreSchemaError extends HotjarFlowError {
  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super('STORE_SCHEMA_NEWER', message, options);
  }
}

/** Stored secrets cannot be decrypted: another master key, another credential's blob, or altered. */
export class VaultKeyError extends HotjarFlowError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('VAULT_KEY_INVALID', message, options);
  }
}

/** The master key given in the environment or the key file is not 32 bytes in a known encoding. */
export class MasterKeyFormatError extends HotjarFlowError {
  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super('MASTER_KEY_FORMAT', message, options);
  }
}

/** The master key file may be read by other users (its mode is looser than 0600). */
export class MasterKeyPermissionsError extends HotjarFlowError {
  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super('MASTER_KEY_PERMISSIONS', message, options);
  }
}

/** An API request carries no valid token or session. */
export class UnauthenticatedError extends HotjarFlowError {
  constructor(message = 'sign in or send Authorization: Bearer <token>') {
    super('UNAUTHENTICATED', message);
  }
}

/** The caller is known but their role may not do this. */
export class PermissionDeniedError extends HotjarFlowError {
  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super('PERMISSION_DENIED', message, options);
  }
}

/** Too many attempts from one address (sign-in), to slow guessing down. */
export class TooManyRequestsError extends HotjarFlowError {
  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super('TOO_MANY_REQUESTS', message, options);
  }
}
