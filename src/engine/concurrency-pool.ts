/**
 * Runs tasks with at most `limit` at once. The first failure aborts the shared signal, waits for
 * the running tasks to settle, and is then thrown; tasks not yet started never start.
 */
export class ConcurrencyPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly limit: number,
    private readonly controller: AbortController,
  ) {}

  /** Waits for a free slot, then starts the task. */
  async add(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.throwIfFailed();

    const promise = task().catch((error: unknown) => {
      this.failure ??= { error };
      this.controller.abort(error);
    });
    const tracked = promise.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Waits for every started task; throws the first failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
