import Database from 'better-sqlite3';

import type { SqlDriver, SqlExecutor, SqlResult } from '../sql/sql-driver.js';

interface Prepared {
  statement: Database.Statement;
  /** For each `?`, the index of the `$n` parameter it stands for. */
  order: number[];
}

/** How long a writer waits for another connection's write lock before failing; 5 s. */
const BUSY_TIMEOUT_MS = 5_000;
const BUSY_RETRY_MS = { min: 2, max: 50 };

/**
 * One better-sqlite3 connection in WAL mode. Calls are queued, so a transaction whose work awaits
 * keeps the connection to itself until it commits. SQLite's own busy timeout would block the event
 * loop while it waits (and so never let a transaction of the same process finish), so it is off:
 * a busy write lock is retried with short timers instead, up to 5 s.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite';
  readonly #db: Database.Database;
  readonly #prepared = new Map<string, Prepared>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('busy_timeout = 0');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('synchronous = NORMAL');
  }

  query(sql: string, params: readonly unknown[] = []): Promise<SqlResult> {
    return this.#exclusive(() => retryWhileBusy(() => this.#run(sql, params)));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      await retryWhileBusy(() => this.#db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await work(this.#executor());
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  isUniqueViolation(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  /** Idempotent. */
  close(): Promise<void> {
    return this.#exclusive(() => {
      if (this.#db.open) this.#db.close();
      return Promise.resolve();
    });
  }

  #executor(): SqlExecutor {
    return {
      dialect: 'sqlite',
      query: (sql, params = []) => Promise.resolve(this.#run(sql, params)),
    };
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #run(sql: string, params: readonly unknown[]): SqlResult {
    const { statement, order } = this.#prepare(sql);
    const values = order.map((index) => toSqliteValue(params[index]));

    if (statement.reader) {
      const rows = statement.all(...values) as Record<string, unknown>[];
      return { rows, rowCount: rows.length };
    }

    const info = statement.run(...values);
    return { rows: [], rowCount: info.changes };
  }

  #prepare(sql: string): Prepared {
    const cached = this.#prepared.get(sql);
    if (cached !== undefined) return cached;

    const order: number[] = [];
    const rewritten = sql.replace(/\$(\d+)/g, (_match, n: string) => {
      order.push(Number(n) - 1);
      return '?';
    });
    const prepared = { statement: this.#db.prepare(rewritten), order };
    this.#prepared.set(sql, prepared);
    return prepared;
  }
}

/** Runs `step` again while another connection holds the write lock, for up to 5 s. */
async function retryWhileBusy<T>(step: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;

  for (let wait = BUSY_RETRY_MS.min; ; wait = Math.min(wait * 2, BUSY_RETRY_MS.max)) {
    try {
      return step();
    } catch (error) {
      const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY';
      if (!busy || Date.now() >= deadline) throw error;
    }

    await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
  }
}

function toSqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
