import type { Database, Statement } from 'better-sqlite3';

import { parseJsonExact, stringifyExact } from '../../json/exact-json.js';
import type { StateEntry } from '../destination.js';

/** The table holding every flow's sync state inside a SQLite destination file. */
export const STATE_TABLE = '_hf_state';

const CREATE_SQL = `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (
  flow TEXT NOT NULL,
  partition TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (flow, partition)
)`;

const SAVE_SQL = `INSERT INTO ${STATE_TABLE} (flow, partition, value, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (flow, partition) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;

/**
 * One row per (flow, partition), replaced on every save, so the state never grows with the number
 * of runs. Values are JSON text with integers beyond 2^53 kept exact.
 */
export class SqliteStateTable {
  private readonly saveStatement: Statement;

  /** Creates the table when it is missing. */
  constructor(private readonly db: Database) {
    db.exec(CREATE_SQL);
    this.saveStatement = db.prepare(SAVE_SQL);
  }

  /** Whether a file already holds the state table (for read-only callers). */
  static exists(db: Database): boolean {
    const row = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
      .get(STATE_TABLE);
    return row !== undefined;
  }

  /** The flow's entries by partition; call inside the writer's transaction to commit with data. */
  save(flow: string, entries: readonly StateEntry[], updatedAt: string): void {
    for (const entry of entries) {
      this.saveStatement.run(
        flow,
        entry.partition,
        stringifyExact(entry.value) ?? 'null',
        updatedAt,
      );
    }
  }

  /** The flow's committed entries, by partition. */
  static read(db: Database, flow: string): Map<string, unknown> {
    const rows = db
      .prepare(`SELECT partition, value FROM ${STATE_TABLE} WHERE flow = ? ORDER BY partition`)
      .all(flow) as { partition: string; value: string }[];
    return new Map(rows.map((row) => [row.partition, parseJsonExact(row.value)]));
  }

  /** Deletes the flow's entries; returns how many there were. */
  static reset(db: Database, flow: string): number {
    return db.prepare(`DELETE FROM ${STATE_TABLE} WHERE flow = ?`).run(flow).changes;
  }
}
