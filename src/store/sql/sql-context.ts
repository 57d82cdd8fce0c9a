import { StoreConflictError, StoreNotFoundError } from '../../errors/errors.js';
import type { SqlDriver, SqlRow } from './sql-driver.js';

/** What every query module of the SQL store needs. */
export interface SqlContext {
  db: SqlDriver;
  /** The current time as an ISO string. */
  now(): string;
  newId(): string;
  maxLogLinesPerRun: number;
}

/** The single row a statement returned, or NOT_FOUND for `entity` `key`. */
export function onlyRow(rows: SqlRow[], entity: string, key: string): SqlRow {
  const row = rows[0];
  if (row === undefined) throw new StoreNotFoundError(entity, key);
  return row;
}

/** Turns a unique-index violation into a CONFLICT that says what was taken; rethrows the rest. */
export function conflictOnUnique(ctx: SqlContext, error: unknown, message: string): never {
  if (ctx.db.isUniqueViolation(error)) throw new StoreConflictError(message, { cause: error });
  throw error;
}

/**
 * `a = $k, b = $k+1 …` for the given columns, skipping those whose value is undefined (a patch
 * leaves them as they are). Returns the clause and its values, numbered from `firstIndex`.
 */
export function setClause(
  columns: Record<string, unknown>,
  firstIndex: number,
): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];

  for (const [column, value] of Object.entries(columns)) {
    if (value === undefined) continue;
    values.push(value);
    parts.push(`${column} = $${firstIndex + values.length - 1}`);
  }

  return { sql: parts.join(', '), values };
}

/** `$k, $k+1, …` for an IN list of `count` values. */
export function placeholders(count: number, firstIndex: number): string {
  return Array.from({ length: count }, (_, i) => `$${firstIndex + i}`).join(', ');
}
