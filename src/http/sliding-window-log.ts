/**
 * The send times of the last `limit` requests. A new request fits when fewer than `limit` were
 * sent in the `windowMs` before it — i.e. the `limit`-th most recent send is at least `windowMs`
 * old. Holds at most `limit` timestamps.
 */
export class SlidingWindowLog {
  private times: number[] = [];

  constructor(
    private limit: number,
    readonly windowMs: number,
  ) {}

  /** The earliest time (epoch ms, ≥ `now`) at which one more request fits in the window. */
  nextFreeAt(now: number): number {
    if (this.times.length < this.limit) return now;
    const oldest = this.times[this.times.length - this.limit] ?? now;
    return Math.max(now, oldest + this.windowMs);
  }

  /** Records a send at `at`; forgets what can no longer matter. */
  record(at: number): void {
    this.times.push(at);
    if (this.times.length > this.limit * 2) this.times = this.times.slice(-this.limit);
  }

  /** Lowers (or raises) the limit; the recorded history is kept. */
  setLimit(limit: number): void {
    this.limit = limit;
  }
}
