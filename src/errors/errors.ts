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
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('AUTH_FAILED', message, options);
  }
}

/** The upstream answered 403: the plan or the key's scope does not allow the call. */
export class ForbiddenError extends HotjarFlowError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
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
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('RETRIES_EXHAUSTED', message, options);
  }
}

/** A connection could not be made or broke, or a request timed out (before retries decide). */
export class NetworkError extends HotjarFlowError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('NETWORK_ERROR', message, options);
  }
}

/** A body could not be parsed as the configured format (HTML instead of JSON, truncated, …). */
export class ParseError extends HotjarFlowError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
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
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
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
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('KEY_EXPIRED', message, options);
  }
}
