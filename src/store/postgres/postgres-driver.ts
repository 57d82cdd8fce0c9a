import pg from 'pg';

import type { SqlDriver, SqlExecutor, SqlResult } from '../sql/sql-driver.js';

const OID = { int8: 20, json: 114, date: 1082, timestamptz: 1184, jsonb: 3802 } as const;

/** Connections per process; the API, the scheduler and a worker share them. */
const POOL_SIZE = 10;

/**
 * Values come back in the shape the SQLite driver gives: JSON as its text (parsed once by the row
 * readers), timestamps as ISO strings, dates as `YYYY-MM-DD`, bigints as numbers (they stay far
 * below 2^53: counters and sequence numbers).
 */
function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === OID.json || oid === OID.jsonb || oid === OID.date) return (value) => value;
  if (oid === OID.int8) return (value) => Number(value);

  if (oid === OID.timestamptz) {
    const parse = pg.types.getTypeParser(oid, 'text') as (value: string) => Date;
    return (value) => parse(value).toISOString();
  }

  return pg.types.getTypeParser(oid, (format ?? 'text') as 'text') as (value: string) => unknown;
}

const storeTypes = { getTypeParser: typeParser } as unknown as pg.CustomTypesConfig;

/** A `pg` pool; each transaction runs on one client of it. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres';
  readonly #pool: pg.Pool;

  constructor(connectionString: string) {
    this.#pool = new pg.Pool({ connectionString, max: POOL_SIZE, types: storeTypes });
    // An idle client losing its connection (a server restart) must not crash the process; the
    // pool replaces it on the next query. TODO(#6): log it once a logger is passed to the store.
    this.#pool.on('error', () => undefined);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<SqlResult> {
    const result = await this.#pool.query(sql, params as unknown[]);
    return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const tx: SqlExecutor = {
      dialect: 'postgres',
      query: async (sql, params = []) => {
        const result = await client.query(sql, params as unknown[]);
        return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 };
      },
    };

    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  isUniqueViolation(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === '23505';
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.#pool.ending || this.#pool.ended) return;
    await this.#pool.end();
  }
}
