/** Transport failures the policy knows about. */
export type NetworkFailure = 'reset' | 'timeout' | 'truncated' | 'refused' | 'other';

/** What one attempt ended with: an HTTP status with its headers, or a transport failure. */
export type AttemptOutcome =
  | { kind: 'status'; status: number; headers: Readonly<Record<string, string>> }
  | { kind: 'network'; failure: NetworkFailure };

/** Limits of the retry loop. */
export interface RetryOptions {
  /** Attempts in total, the first included. Default 6. */
  maxAttempts: number;
  /** Time budget from the first attempt; a wait that would cross it stops. Default 5 min. */
  maxElapsedMs: number;
  /** First backoff step. Default 500 ms. */
  baseDelayMs: number;
  /** Largest backoff step. Default 30 s. */
  maxDelayMs: number;
  /** Largest wait taken from Retry-After or rate-limit reset headers. Default 120 s. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = {
  maxAttempts: 6,
  maxElapsedMs: 5 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export interface RetryInput {
  /** Attempts made so far (1 after the first attempt failed). */
  attempt: number;
  /** Milliseconds since the first attempt started. */
  elapsedMs: number;
  outcome: AttemptOutcome;
  options?: Partial<RetryOptions>;
  /** Uniform in [0, 1): the jitter source (inject a constant in tests). */
  random: () => number;
  /** Current time (epoch ms), to turn an HTTP-date Retry-After into a wait. */
  nowMs: number;
}

/** The decision, as a value: whether to retry, why, and how long to wait first. */
export interface RetryDecision {
  retry: boolean;
  reason: string;
  waitMs: number;
}

/** Statuses that say "try again later". 401 is not here: the client refreshes and replays. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

const RETRYABLE_FAILURES: ReadonlySet<NetworkFailure> = new Set<NetworkFailure>([
  'reset',
  'timeout',
  'truncated',
  'refused',
]);

/**
 * Decides whether a failed attempt is retried, and after how long. Pure: same input, same answer.
 *
 * Retried: 429, 500, 502, 503, 504, and connection resets, timeouts, truncated bodies and refused
 * connections (a server restarting). Not retried: every other status (401 is the client's
 * refresh-and-replay, not a retry) and unknown transport failures.
 *
 * The wait, first match wins:
 * 1. `Retry-After` — delta seconds or an HTTP date (relative to `nowMs`);
 * 2. `RateLimit-Reset` — delta seconds (IETF rate-limit headers draft);
 * 3. `X-RateLimit-Reset` — delta seconds, or epoch seconds when larger than 10^9;
 * 4. exponential backoff `baseDelayMs · 2^(attempt−1)`, capped at `maxDelayMs`, with "equal
 *    jitter" (half fixed, half random) so concurrent clients spread out but never retry at once.
 * A header wait is capped at `maxRetryAfterMs`; an unparseable or negative header is ignored.
 *
 * Stops when `attempt` reached `maxAttempts`, or when `elapsedMs + waitMs` would cross
 * `maxElapsedMs` (waiting past the budget only to fail later helps nobody).
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const options = { ...DEFAULT_RETRY_OPTIONS, ...input.options };
  const what = describeOutcome(input.outcome);

  if (!isRetryableOutcome(input.outcome))
    return { retry: false, reason: `${what} is not retryable`, waitMs: 0 };

  if (input.attempt >= options.maxAttempts) {
    return { retry: false, reason: `${what}: ${options.maxAttempts} attempts used`, waitMs: 0 };
  }

  const fromHeaders =
    input.outcome.kind === 'status' ? headerWait(input.outcome.headers, input.nowMs) : undefined;
  const waitMs =
    fromHeaders === undefined
      ? backoff(input.attempt, options, input.random)
      : Math.min(fromHeaders.ms, options.maxRetryAfterMs);
  const source = fromHeaders === undefined ? 'backoff' : fromHeaders.header;

  if (input.elapsedMs + waitMs > options.maxElapsedMs) {
    const budget = `time budget of ${options.maxElapsedMs} ms`;
    return {
      retry: false,
      reason: `${what}: waiting ${waitMs} ms would exceed the ${budget}`,
      waitMs: 0,
    };
  }

  return { retry: true, reason: `${what}, waiting ${waitMs} ms (${source})`, waitMs };
}

/** Whether the policy retries this kind of outcome at all (limits aside). */
export function isRetryableOutcome(outcome: AttemptOutcome): boolean {
  return outcome.kind === 'status'
    ? RETRYABLE_STATUSES.has(outcome.status)
    : RETRYABLE_FAILURES.has(outcome.failure);
}

function describeOutcome(outcome: AttemptOutcome): string {
  if (outcome.kind === 'status') return `status ${outcome.status}`;
  return outcome.failure === 'other' ? 'network failure' : `connection ${outcome.failure}`;
}

function backoff(attempt: number, options: RetryOptions, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(exponent, 30));
  const unit = Math.min(1, Math.max(0, random()));
  return Math.round(step / 2 + (step / 2) * unit);
}

/** The wait a server asked for, by the precedence documented on `decideRetry`. */
export function headerWait(
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): { ms: number; header: string } | undefined {
  const lower = lowerCaseKeys(headers);

  const retryAfter = parseRetryAfter(lower['retry-after'], nowMs);
  if (retryAfter !== undefined) return { ms: retryAfter, header: 'retry-after' };

  const reset = parseDeltaSeconds(lower['ratelimit-reset']);
  if (reset !== undefined) return { ms: reset, header: 'ratelimit-reset' };

  const xReset = parseXRateLimitReset(lower['x-ratelimit-reset'], nowMs);
  if (xReset !== undefined) return { ms: xReset, header: 'x-ratelimit-reset' };

  return undefined;
}

/** `Retry-After`: delta seconds (non-negative, fractions tolerated) or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const seconds = parseDeltaSeconds(value);
  if (seconds !== undefined || value === undefined) return seconds;

  // An HTTP date names its month ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse alone would take
  // "-3" for the year −3.
  const date = /[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

function parseDeltaSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.ceil(Number(value) * 1000);
}

/** Epoch-seconds resets are told apart from deltas by size: no delta is 30 years long. */
const EPOCH_SECONDS_THRESHOLD = 1e9;

function parseXRateLimitReset(value: string | undefined, nowMs: number): number | undefined {
  const ms = parseDeltaSeconds(value);
  if (ms === undefined) return undefined;
  return ms / 1000 > EPOCH_SECONDS_THRESHOLD ? Math.max(0, ms - nowMs) : ms;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}
