import type { TimerClock, TimerHandle } from '../timer-clock.js';

interface PendingTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. `advanceTo` fires the timers due on the way in time
 * order, and after each one waits for `settle` (e.g. `scheduler.idle()`) so the work a timer
 * started is done before time moves on.
 */
export class ManualTimerClock implements TimerClock {
  private timers: PendingTimer[] = [];
  private nextId = 1;
  private current: number;

  constructor(start: string | Date) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves to `instant`, firing each timer due by then at its own time. */
  async advanceTo(instant: string | Date, settle: () => Promise<void>): Promise<void> {
    const end = new Date(instant).getTime();
    await settle();

    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > end) break;

      this.timers = this.timers.filter((timer) => timer !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
      await settle();
    }

    this.current = Math.max(this.current, end);
    await settle();
  }

  /** Moves by `ms`, as `advanceTo`. */
  advanceBy(ms: number, settle: () => Promise<void>): Promise<void> {
    return this.advanceTo(new Date(this.current + ms), settle);
  }

  private earliest(): PendingTimer | undefined {
    return this.timers.reduce<PendingTimer | undefined>(
      (best, timer) => (best !== undefined && best.at <= timer.at ? best : timer),
      undefined,
    );
  }
}
