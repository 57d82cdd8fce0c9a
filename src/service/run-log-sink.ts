import type { Logger } from '../log/logger.js';
import type { LogLevel, NewRunLogLine, Store } from '../store/store.js';

const LEVELS: Record<number, LogLevel> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Lines buffered before a write to the store; a timer flushes smaller batches. */
const BATCH_LINES = 200;
const FLUSH_DELAY_MS = 500;

/**
 * A pino destination that keeps a run's log lines in the store, in order, batched. The store
 * caps the lines kept per run and counts the rest. A failing write is reported on the service
 * logger and never fails the run.
 */
export class RunLogSink {
  private buffer: NewRunLogLine[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly runId: string,
    private readonly logger: Logger,
  ) {}

  /** Called by pino with one JSON line. */
  write(line: string): void {
    const parsed = parseLine(line);
    if (parsed === null) return;

    this.buffer.push(parsed);
    if (this.buffer.length >= BATCH_LINES) this.schedule(0);
    else this.schedule(FLUSH_DELAY_MS);
  }

  /** Writes every buffered line; resolves when the store has them. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;

    const lines = this.buffer;
    this.buffer = [];
    if (lines.length > 0) {
      this.chain = this.chain
        .then(() => this.store.appendRunLogs(this.runId, lines))
        .then(
          () => undefined,
          (error: unknown) =>
            this.logger.error({ err: error, run: this.runId }, 'run log write failed'),
        );
    }
    return this.chain;
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined && delayMs > 0) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delayMs);
  }
}

function parseLine(line: string): NewRunLogLine | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;

  const { level, time, msg, ...fields } = value as Record<string, unknown>;
  return {
    level: LEVELS[typeof level === 'number' ? level : 30] ?? 'info',
    time: new Date(typeof time === 'number' ? time : Date.now()).toISOString(),
    message: typeof msg === 'string' ? msg : '',
    fields,
  };
}
