/** One row as the driver returns it: JSON columns as text, timestamps as ISO strings, blobs as Buffers. */
export type SqlRow = Record<string, unknown>;

export interface SqlResult {
  rows: SqlRow[];
  /** Rows returned, or rows changed by a statement without RETURNING. */
  rowCount: number;
}

/**
 * Runs one statement. SQL is written once for both back-ends with `$1, $2 …` placeholders; the
 * SQLite driver rewrites them. Dialect-specific SQL branches on `dialect`.
 */
export interface SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  query(sql: string, params?: readonly unknown[]): Promise<SqlResult>;
}

/** A connection (SQLite) or a pool (PostgreSQL) that can also open transactions. */
export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `work` in one transaction that takes the write lock at once (SQLite `BEGIN IMMEDIATE`);
   * commits when it resolves, rolls back when it throws.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** True for a unique-index violation (a name taken twice). */
  isUniqueViolation(error: unknown): boolean;
  close(): Promise<void>;
}
