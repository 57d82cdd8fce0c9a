import { join } from 'node:path';

import { validateFlow } from '../../../source/load-flow.js';
import type { FlowConfig } from '../../../source/schema/flow-schema.js';
import { readRows, tempDir } from '../../test-support/run-against-emulator.js';

/** Where a flow writes: a fresh SQLite file and its table. */
export interface SqliteTarget {
  dbPath: string;
  table: string;
}

/** A fresh SQLite file in its own temp directory. */
export function sqliteTarget(name: string, table = 'records'): SqliteTarget {
  return { dbPath: join(tempDir('hf-third-party-'), `${name}.db`), table };
}

/**
 * A manual REST flow written as a user would write it, validated by the flow-file schema. The
 * destination appends (nothing de-duplicates behind the test's back).
 */
export function restFlow(
  name: string,
  source: Record<string, unknown>,
  target: SqliteTarget,
): FlowConfig {
  return validateFlow(
    {
      version: 1,
      name,
      source: { type: 'rest', ...source },
      destination: { type: 'sqlite', path: target.dbPath, table: target.table, write: 'append' },
    },
    null,
  );
}

/** The `id` column of every row, in table order; an empty list when the table was never made. */
export function idsOf(target: SqliteTarget): unknown[] {
  try {
    return readRows(target.dbPath, target.table, '_rowid_').map((row) => row['id']);
  } catch (error) {
    if (String(error).includes('no such table') || String(error).includes('unable to open')) {
      return [];
    }
    throw error;
  }
}
