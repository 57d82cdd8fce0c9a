import type { Dispatcher } from 'undici';

import { ResponseTooLargeError, RunCancelledError } from '../errors/errors.js';
import { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import type { BodyConsumer, HttpRequest, HttpResponse } from './http-types.js';
import { readBody, TruncatedBodyError } from './read-body.js';
import type { NetworkFailure } from './retry-policy.js';

/** One attempt's result: a fully read answer, or a transport failure the policy will judge. */
export type AttemptResult =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'failure'; failure: NetworkFailure; error: unknown };

export interface AttemptOptions {
  dispatcher: Dispatcher;
  timeoutMs: number;
  maxBodyBytes: number;
  signal: AbortSignal | undefined;
  onBytes: (count: number) => void;
  /** The request as it may appear in messages (secrets masked). */
  describe: () => string;
  /** Reads a 2xx body as a stream instead of buffering it; the timeout then counts idle time. */
  consumeBody?: BodyConsumer | undefined;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Sends `request` (credential already applied) once and reads the whole body. Throws only what no
 * retry can fix: RunCancelledError when `signal` aborts, ResponseTooLargeError.
 */
export async function sendAttempt(
  request: HttpRequest,
  options: AttemptOptions,
): Promise<AttemptResult> {
  // One controller for both the caller's signal and the timeout; listeners are removed at the end
  // so a long-lived run signal does not collect one per attempt.
  const controller = new AbortController();
  let timedOut = false;
  const expire = (): void => {
    timedOut = true;
    controller.abort();
  };
  let timer = setTimeout(expire, options.timeoutMs);
  const stillAlive = (): void => {
    clearTimeout(timer);
    timer = setTimeout(expire, options.timeoutMs);
  };
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted === true) controller.abort();
  const signal = controller.signal;
  let phase: 'headers' | 'body' = 'headers';

  try {
    const url = new URL(request.url);
    const res = await options.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: request.headers ?? {},
      body: request.body ?? null,
      signal,
    });
    phase = 'body';
    const streamed =
      options.consumeBody !== undefined && res.statusCode >= 200 && res.statusCode < 300;
    const response = streamed
      ? await streamResponse(request, res, { ...options, onChunk: stillAlive })
      : await toResponse(request, res, options);
    return { kind: 'response', response };
  } catch (error) {
    if (options.signal?.aborted === true) throw new RunCancelledError();
    // The consumer's own verdicts (a body that is not JSON, a destination failure) are final.
    if (error instanceof HotjarFlowError) throw error;
    if (timedOut) return { kind: 'failure', failure: 'timeout', error };
    return { kind: 'failure', failure: classify(error, phase), error };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function toResponse(
  request: HttpRequest,
  res: Dispatcher.ResponseData,
  options: AttemptOptions,
): Promise<HttpResponse> {
  const headers = flattenHeaders(res.headers);
  const body = await readBody(res.body, {
    maxBodyBytes: options.maxBodyBytes,
    headers,
    onBytes: options.onBytes,
    describe: options.describe,
  });
  return { status: res.statusCode, headers, body, url: request.url, method: request.method };
}

/**
 * Hands a 2xx body to the consumer as it arrives, counting bytes, enforcing the size limit on the
 * wire, and noticing a body cut short of its Content-Length. The answer carries no body.
 */
async function streamResponse(
  request: HttpRequest,
  res: Dispatcher.ResponseData,
  options: AttemptOptions & { onChunk: () => void },
): Promise<HttpResponse> {
  const headers = flattenHeaders(res.headers);
  const head = { status: res.statusCode, headers, url: request.url, method: request.method };
  try {
    await options.consumeBody?.(head, countedBody(res.body, headers, options));
  } finally {
    // A consumer that stopped early (a parse error, a repeated page) leaves bytes unread: drop the
    // connection instead of keeping a half-read answer that would block the agent's close.
    if (!res.body.readableEnded) res.body.destroy();
  }
  return { ...head, body: Buffer.alloc(0) };
}

async function* countedBody(
  body: AsyncIterable<Buffer | Uint8Array>,
  headers: Readonly<Record<string, string>>,
  options: AttemptOptions & { onChunk: () => void },
): AsyncGenerator<Uint8Array> {
  const declared = Number(headers['content-length'] ?? Number.NaN);
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    options.onBytes(chunk.length);
    options.onChunk();
    if (seen > options.maxBodyBytes) {
      throw new ResponseTooLargeError(
        `${options.describe()} sent more than ${options.maxBodyBytes} bytes (max_response_bytes)`,
      );
    }
    yield chunk;
  }

  if (Number.isFinite(declared) && seen < declared) {
    throw new TruncatedBodyError(`body ended after ${seen} of ${declared} bytes`);
  }
}

/** Which transport failure an error is; anything that broke after the headers is "truncated". */
export function classify(error: unknown, phase: 'headers' | 'body'): NetworkFailure {
  if (error instanceof TruncatedBodyError) return 'truncated';

  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return 'refused';
  if (code !== undefined && TIMEOUT_CODES.has(code)) return 'timeout';
  if (phase === 'body') return 'truncated';
  if (code !== undefined && RESET_CODES.has(code)) return 'reset';
  return 'other';
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function flattenHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
