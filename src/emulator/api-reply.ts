import type { IncomingHttpHeaders } from 'node:http';

/** An answer before it is written: handlers return these; the pipeline applies faults to them. */
export interface ApiReply {
  status: number;
  body: string | Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

/** A parsed request as the handlers see it. */
export interface ApiRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The request target as received (path and query), what fault `path` filters match. */
  target: string;
  /** The remote address, the rate-limit key. */
  client: string;
}

/** The body shape of API errors: `{"error", "message"}`, `{"msg"}` or plain text. */
export type ErrorFormat = 'error' | 'msg' | 'text';

const BIGINT_MARK = '\u0000bigint:';
const BIGINT_PATTERN = /"\\u0000bigint:(-?\d+)"/g;

/** JSON text; bigint values become exact JSON integers (which JSON.stringify cannot write). */
export function stringifyJson(value: unknown, bigInts = false): string {
  if (!bigInts) {
    return JSON.stringify(value);
  }

  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `${BIGINT_MARK}${item}` : item,
  );
  return text.replace(BIGINT_PATTERN, '$1');
}

export function jsonReply(
  status: number,
  value: unknown,
  options: { bigInts?: boolean; headers?: Record<string, string> } = {},
): ApiReply {
  return {
    status,
    body: stringifyJson(value, options.bigInts),
    contentType: 'application/json; charset=utf-8',
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  };
}

export function errorReply(
  format: ErrorFormat,
  error: { status: number; code: string; message: string; headers?: Record<string, string> },
): ApiReply {
  const headers = error.headers === undefined ? {} : { headers: error.headers };
  if (format === 'text') {
    return {
      status: error.status,
      body: error.message,
      contentType: 'text/plain; charset=utf-8',
      ...headers,
    };
  }

  const body =
    format === 'msg' ? { msg: error.message } : { error: error.code, message: error.message };
  return jsonReply(error.status, body, headers);
}

/** A gateway-style HTML error page, as proxies in front of APIs send. */
export function htmlReply(status: number): ApiReply {
  const title = status === 200 ? 'Maintenance' : `${status} Error`;
  return {
    status,
    body: `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>gateway</center></body></html>\n`,
    contentType: 'text/html; charset=utf-8',
  };
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/** The snake_case error code the emulator uses for a bare status. */
export function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? `http_${status}`;
}
