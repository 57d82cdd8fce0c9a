import { RunCancelledError } from '../errors/errors.js';
import { createSystemClock, type Clock } from './clock.js';
import { SlidingWindowLog } from './sliding-window-log.js';

export interface RateBudgetOptions {
  /** Requests allowed in any 60-second window. */
  requestsPerMinute: number;
  /**
   * Added to the 60-second window so that latency jitter between our send time and the server's
   * arrival time cannot squeeze N+1 requests into the server's window. Default 1000 ms (costs
   * under 2 % of the budget).
   */
  safetyMarginMs?: number;
  /**
   * Requests allowed in any one second, so a fresh budget does not fire all N at once (some
   * servers also count per second). Default: twice the average rate, `ceil(2 · N / 60)`.
   */
  maxPerSecond?: number;
  clock?: Clock;
}

const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A request budget for one upstream origin, shared by every flow and credential that calls it.
 *
 * A sliding log of send times (not a token bucket): no window of 60 s (+ margin) ever holds more
 * than N sends, which a per-address sliding-window limiter on the server side never rejects, and a
 * steady caller still gets N per (60 s + margin) — over 98 % of the budget. A second, one-second
 * window smooths bursts. Waiters are served in arrival order.
 */
export class RateBudget {
  private readonly clock: Clock;
  private readonly minute: SlidingWindowLog;
  private readonly second: SlidingWindowLog;
  private readonly queue: Waiter[] = [];
  private penaltyUntil = 0;
  private idle = new AbortController();
  private pumping = false;
  private limit: number;

  constructor(options: RateBudgetOptions) {
    this.clock = options.clock ?? createSystemClock();
    this.limit = positiveInteger(options.requestsPerMinute, 'requestsPerMinute');
    this.minute = new SlidingWindowLog(this.limit, MINUTE_MS + (options.safetyMarginMs ?? 1000));
    this.second = new SlidingWindowLog(perSecond(this.limit, options.maxPerSecond), SECOND_MS);
  }

  /** Requests allowed per minute. */
  get requestsPerMinute(): number {
    return this.limit;
  }

  /** Lowers the budget when a second user asks for a smaller one; never raises it. */
  lowerTo(requestsPerMinute: number): void {
    if (requestsPerMinute >= this.limit) return;
    this.limit = positiveInteger(requestsPerMinute, 'requestsPerMinute');
    this.minute.setLimit(this.limit);
    this.second.setLimit(perSecond(this.limit, undefined));
  }

  /** Waits for a slot and takes it. Rejects with RunCancelledError when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(new RunCancelledError());

    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: () => this.drop(waiter) };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /** After a 429: nobody using this origin sends before `waitMs` from now. */
  penalize(waitMs: number): void {
    this.penaltyUntil = Math.max(this.penaltyUntil, this.clock.now() + Math.max(0, waitMs));
  }

  private drop(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index >= 0) this.queue.splice(index, 1);
    waiter.reject(new RunCancelledError());

    // Nobody waits any more: end the pump's sleep too, or its timer keeps a cancelled run's
    // process alive until a long Retry-After has passed.
    if (this.queue.length === 0) this.idle.abort();
  }

  private nextSlotAt(now: number): number {
    return Math.max(
      now,
      this.penaltyUntil,
      this.minute.nextFreeAt(now),
      this.second.nextFreeAt(now),
    );
  }

  /** One loop hands out slots in order; it sleeps until the next slot and re-checks. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const now = this.clock.now();
        const at = this.nextSlotAt(now);
        if (at > now) {
          if (this.idle.signal.aborted) this.idle = new AbortController();
          await this.clock.sleep(at - now, this.idle.signal).catch(() => undefined);
          continue;
        }

        const waiter = this.queue.shift();
        if (waiter === undefined) break;
        this.minute.record(now);
        this.second.record(now);
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }
}

// TODO(#3): budgets live in one process; workers on several machines each keep their own, so
// together they can exceed the upstream's limit until the budget is shared through PostgreSQL.

/**
 * The budgets of one process, one per upstream origin (scheme + host + port), shared by every flow
 * and credential in it. `off` is represented by `null`.
 */
export class RateBudgetRegistry {
  private readonly budgets = new Map<string, RateBudget>();

  constructor(private readonly defaults: Omit<RateBudgetOptions, 'requestsPerMinute'> = {}) {}

  /**
   * The budget of `url`'s origin; created on first use. A later caller asking for fewer requests
   * per minute lowers the shared budget (the strictest wins). `null` in, `null` out: no budget.
   */
  forOrigin(url: string | URL, requestsPerMinute: number | null): RateBudget | null {
    if (requestsPerMinute === null) return null;

    const origin = new URL(url).origin;
    const existing = this.budgets.get(origin);
    if (existing !== undefined) {
      existing.lowerTo(requestsPerMinute);
      return existing;
    }

    const budget = new RateBudget({ ...this.defaults, requestsPerMinute });
    this.budgets.set(origin, budget);
    return budget;
  }
}

function perSecond(requestsPerMinute: number, explicit: number | undefined): number {
  return explicit ?? Math.max(1, Math.ceil((2 * requestsPerMinute) / 60));
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`${name} must be at least 1`);
  return Math.floor(value);
}
