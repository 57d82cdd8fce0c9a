import { HttpStatusError, NetworkError, RetriesExhaustedError } from '../errors/errors.js';
import type { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import type { Logger } from '../log/logger.js';
import { upstreamMessage } from './describe-response.js';
import type { SendOptions } from './http-client.js';
import type { HttpRequest, HttpResponse } from './http-types.js';
import { redactSecrets, redactUrl } from './redact-secrets.js';
import { isRetryableOutcome, type RetryDecision } from './retry-policy.js';
import type { AttemptResult } from './send-attempt.js';

/** The state of one logical request across its attempts, and how it reads in messages. */
export interface Exchange {
  request: HttpRequest;
  options: SendOptions;
  logger: Logger;
  originalOrigin: string;
  startedAt: number;
  /** Attempts that ended in a retryable-kind failure so far. */
  failures: number;
  redirects: number;
  refreshedJustNow: boolean;
}

/** Every value to mask: the credential's current secrets and the caller's extra ones. */
export function secretsOf(exchange: Exchange): string[] {
  return [...(exchange.options.auth?.secrets?.() ?? []), ...(exchange.options.secrets ?? [])];
}

/** The current URL, fit for messages. */
export function safeUrl(exchange: Exchange): string {
  return redactUrl(exchange.request.url, secretsOf(exchange));
}

/** "GET https://host/path?token=***". */
export function describeRequest(exchange: Exchange): string {
  return `${exchange.request.method} ${safeUrl(exchange)}`;
}

/** "GET https://host/path answered 400: <upstream message>". */
export function statusMessage(exchange: Exchange, res: HttpResponse): string {
  const message = upstreamMessage(res, secretsOf(exchange));
  return `${describeRequest(exchange)} answered ${res.status}${message === '' ? '' : `: ${message}`}`;
}

/** Machine-readable details for an error about `res`. */
export function details(
  exchange: Exchange,
  res: HttpResponse,
  extra: Record<string, unknown> = {},
): { details: Record<string, unknown> } {
  const url = redactUrl(res.url, secretsOf(exchange));
  return { details: { method: exchange.request.method, url, status: res.status, ...extra } };
}

/**
 * The error that ends an exchange the retry policy gave up on: HttpStatusError for a status that
 * is never retried, NetworkError for an unknown transport failure, RetriesExhaustedError when
 * retries ran out (naming method, URL, attempts and the last status or error).
 */
export function finalError(
  exchange: Exchange,
  result: AttemptResult,
  decision: RetryDecision,
): HotjarFlowError {
  const what = describeRequest(exchange);
  const attempts = `failed after ${exchange.failures} attempts (${decision.reason})`;
  if (result.kind === 'response') {
    const res = result.response;
    const outcome = { kind: 'status' as const, status: res.status, headers: res.headers };
    if (!isRetryableOutcome(outcome)) {
      return new HttpStatusError(res.status, statusMessage(exchange, res), details(exchange, res));
    }

    const upstream = upstreamMessage(res, secretsOf(exchange));
    const message = `${what} ${attempts}; last answer ${res.status}${upstream === '' ? '' : `: ${upstream}`}`;
    return new RetriesExhaustedError(
      message,
      details(exchange, res, { attempts: exchange.failures }),
    );
  }

  const cause = redactSecrets(errorText(result.error), secretsOf(exchange));
  const fields = {
    details: { method: exchange.request.method, url: safeUrl(exchange), failure: result.failure },
  };
  if (result.failure === 'other') return new NetworkError(`${what}: ${cause}`, fields);
  return new RetriesExhaustedError(`${what} ${attempts}; last error: ${cause}`, fields);
}

/** An error's message with its code, e.g. "connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)". */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}
