import type { SqlRow } from './sql-driver.js';

/** Typed reads of driver rows; a wrong type means the schema and the code disagree. */

export function text(row: SqlRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw schemaMismatch(column, 'text', value);
  return value;
}

export function nullableText(row: SqlRow, column: string): string | null {
  return row[column] === null || row[column] === undefined ? null : text(row, column);
}

export function integer(row: SqlRow, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw schemaMismatch(column, 'integer', value);
}

export function nullableInteger(row: SqlRow, column: string): number | null {
  return row[column] === null || row[column] === undefined ? null : integer(row, column);
}

export function bytes(row: SqlRow, column: string): Buffer {
  const value = row[column];
  if (!(value instanceof Uint8Array)) throw schemaMismatch(column, 'bytes', value);
  return Buffer.from(value);
}

/** A JSON column: both drivers hand JSON over as text, parsed here once. */
export function json<T>(row: SqlRow, column: string): T {
  return JSON.parse(text(row, column)) as T;
}

export function nullableJson<T>(row: SqlRow, column: string): T | null {
  return row[column] === null || row[column] === undefined ? null : json<T>(row, column);
}

/** A value for a JSON column; `undefined` becomes SQL NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function schemaMismatch(column: string, expected: string, value: unknown): Error {
  return new TypeError(`column ${column}: expected ${expected}, got ${typeof value}`);
}
