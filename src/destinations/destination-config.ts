import type { WriteMode } from './destination.js';

/** A SQLite file and table; the flow's sync state lives in the same file. */
export interface SqliteDestinationConfig {
  type: 'sqlite';
  path: string;
  table: string;
  write: WriteMode;
}

/** A JSON Lines file; `path` may hold `{flow}`, `{run}` and `{date}`. */
export interface JsonlDestinationConfig {
  type: 'jsonl';
  path: string;
  write: 'append' | 'replace';
}

/** The `destination` block of a flow file, for the kinds this build can write. */
export type DestinationConfig = SqliteDestinationConfig | JsonlDestinationConfig;
