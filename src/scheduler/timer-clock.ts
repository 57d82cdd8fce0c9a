/** A handle for a timer set through a `TimerClock` (a Node `Timeout`, or a test clock's id). */
export type TimerHandle = object | number;

/**
 * Time as the scheduler and the notifier see it: injected so tests move time by hand and fire
 * timers in order (see `ManualTimerClock` in `test-support/`).
 */
export interface TimerClock {
  now(): Date;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/**
 * The longest delay `setTimeout` honours (about 24.8 days); a longer one fires at once, so
 * callers wait in steps of at most this.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** The real clock: `new Date()` and unreferenced `setTimeout`s (they never keep Node alive). */
export function systemTimerClock(): TimerClock {
  return {
    now: () => new Date(),
    setTimer: (fn, ms) => setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS)).unref(),
    clearTimer: (handle) => {
      clearTimeout(handle as NodeJS.Timeout);
    },
  };
}

/** Resolves after `ms` on `clock`. */
export function sleepOn(clock: TimerClock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(resolve, ms);
  });
}
