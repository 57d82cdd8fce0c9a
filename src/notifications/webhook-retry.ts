/** How deliveries are retried; every field has a default. */
export interface WebhookRetryOptions {
  /** Attempts per delivery, the first included; default 5. */
  attempts?: number;
  /** Wait before the second attempt, doubled for each later one; default 1,000 ms. */
  baseDelayMs?: number;
  /** Longest wait between attempts; default 60,000 ms. */
  maxDelayMs?: number;
  /** Time allowed for one attempt; default 10,000 ms. */
  timeoutMs?: number;
}

export type ResolvedRetryOptions = Required<WebhookRetryOptions>;

export function resolveRetryOptions(options: WebhookRetryOptions = {}): ResolvedRetryOptions {
  return {
    attempts: options.attempts ?? 5,
    baseDelayMs: options.baseDelayMs ?? 1_000,
    maxDelayMs: options.maxDelayMs ?? 60_000,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
}

/** What one attempt gave: an HTTP status, or a network failure (refused, reset, timed out). */
export type AttemptResult = { status: number } | { networkError: string };

/** Whether to try again, why, and after how long. */
export interface RetryDecision {
  retry: boolean;
  reason: string;
  waitMs: number;
}

/**
 * Retries network failures, 5xx and 429 with exponential backoff until `attempts` are used;
 * any other status ends the delivery (2xx delivered, other 4xx refused for good).
 */
export function webhookRetryDecision(
  result: AttemptResult,
  attempt: number,
  options: ResolvedRetryOptions,
): RetryDecision {
  const waitMs = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const reason = 'networkError' in result ? 'network error' : `status ${result.status}`;
  const transient = 'networkError' in result || result.status >= 500 || result.status === 429;

  if (!transient) return { retry: false, reason, waitMs: 0 };
  if (attempt >= options.attempts)
    return { retry: false, reason: `${reason}, attempts used up`, waitMs: 0 };
  return { retry: true, reason, waitMs };
}
