import { ConfigError } from '../errors/errors.js';
import { HotjarFlowError } from '../errors/hotjar-flow-error.js';

/** The body of every error answer. */
export interface ApiErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FLOW_LOCKED: 409,
  CONFIG_INVALID: 422,
  INVALID_CURSOR: 422,
  TOO_MANY_REQUESTS: 429,
};

/** The status and body for any error a handler raised; unknown errors say nothing about themselves. */
export function toApiError(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof ConfigError) {
    const body = { code: error.code, message: error.message, details: { issues: error.issues } };
    return { status: 422, body: { error: body } };
  }
  if (error instanceof HotjarFlowError && STATUS_BY_CODE[error.code] !== undefined) {
    const body = { code: error.code, message: error.message, details: error.details };
    return { status: STATUS_BY_CODE[error.code] ?? 500, body: { error: body } };
  }

  const framework = frameworkError(error);
  if (framework !== null) return framework;

  return {
    status: 500,
    body: {
      error: { code: 'INTERNAL', message: 'internal error; see the service log', details: {} },
    },
  };
}

/** Errors fastify raises itself: a body that is not JSON, too large, a wrong content type. */
function frameworkError(error: unknown): { status: number; body: ApiErrorBody } | null {
  const { statusCode, code, message } = (error ?? {}) as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return null;

  const text = typeof message === 'string' ? message : 'bad request';
  const body = {
    code: statusCode === 429 ? 'TOO_MANY_REQUESTS' : 'BAD_REQUEST',
    message: text,
    details: typeof code === 'string' ? { reason: code } : {},
  };
  return { status: statusCode, body: { error: body } };
}

export function apiError(
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): ApiErrorBody {
  return { error: { code, message, details } };
}
