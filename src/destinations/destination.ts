/** A record as it travels through the engine: a JSON object (integers beyond 2^53 as bigint). */
export type FlowRecord = Record<string, unknown>;

export type WriteMode = 'append' | 'upsert' | 'replace';

/** One partition's sync state (a survey's bookmark, an ascending source's last value, …). */
export interface StateEntry {
  partition: string;
  value: unknown;
}

export interface OpenContext {
  flow: string;
  runId: string;
  write: WriteMode;
  /** Columns that identify a record; empty when the source has none. */
  primaryKey: readonly string[];
}

export interface WriteBatch {
  records: readonly FlowRecord[];
  /** Committed atomically with the records: both land, or neither does. */
  state?: readonly StateEntry[];
}

export interface WriteResult {
  /** Records that became rows (append skips a record whose primary key is already stored). */
  written: number;
}

/**
 * Where a flow's records and sync state land. The engine calls `open`, then `readState`, then
 * `write` any number of times, then `commit` (or `abort` after a failure), then `close`.
 */
export interface Destination {
  open(context: OpenContext): Promise<void>;
  /** The flow's committed state, by partition. */
  readState(): Promise<Map<string, unknown>>;
  write(batch: WriteBatch): Promise<WriteResult>;
  /** End of a successful run: `replace` makes the new data visible here. */
  commit(state?: readonly StateEntry[]): Promise<void>;
  /** End of a failed run: staged `replace` data is dropped; committed batches stay. */
  abort(): Promise<void>;
  close(): Promise<void>;
}
