import { RunCancelledError } from '../errors/errors.js';
import type { Clock } from './clock.js';

interface Timer {
  at: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told to: `advance(ms)` fires due sleeps in time order and lets
 * their continuations run. For tests of time-driven code (rate budgets, token expiry).
 */
export class ManualClock implements Clock {
  private timers: Timer[] = [];

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(new RunCancelledError());

    return new Promise((resolve, reject) => {
      const timer: Timer = { at: this.current + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(new RunCancelledError());
      });
    });
  }

  /** Pending sleeps. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every sleep due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    await settle();
    for (;;) {
      const next = this.timers.reduce<Timer | undefined>(
        (a, t) => (a && a.at <= t.at ? a : t),
        undefined,
      );
      if (next === undefined || next.at > end) break;

      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.resolve();
      await settle();
    }
    this.current = end;
    await settle();
  }
}

/** Lets pending promise continuations (and I/O callbacks queued behind them) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
