import { existsSync } from 'node:fs';

import Database from 'better-sqlite3';

import { DestinationError } from '../../errors/errors.js';
import { SqliteStateTable } from './sqlite-state-table.js';

/**
 * A flow's committed sync state in a SQLite destination file, by partition (for `state show`).
 * A missing file or a file without state gives an empty map.
 */
export function readSqliteState(path: string, flow: string): Map<string, unknown> {
  if (!existsSync(path)) return new Map();

  return withDatabase(path, (db) =>
    SqliteStateTable.exists(db) ? SqliteStateTable.read(db, flow) : new Map<string, unknown>(),
  );
}

/**
 * Deletes a flow's sync state from a SQLite destination file (for `state reset`): the next run
 * starts from the beginning. The data rows stay. Returns the number of partitions removed.
 */
export function resetSqliteState(path: string, flow: string): number {
  if (!existsSync(path)) return 0;

  return withDatabase(path, (db) =>
    SqliteStateTable.exists(db) ? SqliteStateTable.reset(db, flow) : 0,
  );
}

function withDatabase<T>(path: string, use: (db: Database.Database) => T): T {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 5_000 });
    return use(db);
  } catch (error) {
    throw new DestinationError(`could not use the sync state in ${path}`, {
      cause: error,
      details: { path },
    });
  } finally {
    db?.close();
  }
}
