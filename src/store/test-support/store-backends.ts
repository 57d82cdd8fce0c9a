import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import pg from 'pg';

import { PostgresStore } from '../postgres/postgres-store.js';
import { SqliteStore, SQLITE_STORE_FILE } from '../sqlite/sqlite-store.js';
import type { Store, StoreOptions } from '../store.js';
import {
  findPostgresBin,
  POSTGRES_INSTALL_HINT,
  startPostgresServer,
  type PostgresServer,
} from './postgres-server.js';

/** One empty database of a back-end; `open` may be called several times (restarts, workers). */
export interface StoreTarget {
  open(options?: StoreOptions): Promise<Store>;
  /** Runs SQL beside the store (to look at or tamper with the schema); returns the rows. */
  raw(sql: string): Promise<Record<string, unknown>[]>;
  /** Closes every store `open` returned. */
  closeAll(): Promise<void>;
}

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  start(): Promise<void>;
  fresh(): Promise<StoreTarget>;
  stop(): Promise<void>;
}

function tracking(opener: (options: StoreOptions) => Promise<Store>) {
  const opened: Store[] = [];
  return {
    open: async (options: StoreOptions = {}) => {
      const store = await opener(options);
      opened.push(store);
      return store;
    },
    closeAll: async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    },
  };
}

export function sqliteBackend(): StoreBackend {
  const dirs: string[] = [];

  return {
    name: 'sqlite',
    start: () => Promise.resolve(),
    fresh: () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hotjar-flow-store-'));
      dirs.push(dataDir);
      const raw = (sql: string) => {
        const db = new Database(join(dataDir, SQLITE_STORE_FILE));
        try {
          const statement = db.prepare(sql);
          if (statement.reader)
            return Promise.resolve(statement.all() as Record<string, unknown>[]);
          statement.run();
          return Promise.resolve([]);
        } finally {
          db.close();
        }
      };
      return Promise.resolve({ ...tracking((o) => SqliteStore.open({ ...o, dataDir })), raw });
    },
    stop: () => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/**
 * A PostgreSQL cluster of its own, one database per test. Without PostgreSQL installed `start`
 * fails, with the command that installs it.
 */
export function postgresBackend(bin: string | null): StoreBackend {
  let server: PostgresServer | undefined;
  let databases = 0;

  return {
    name: 'postgres',
    start: async () => {
      if (bin === null) {
        throw new Error(
          `PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); run: ${POSTGRES_INSTALL_HINT}`,
        );
      }
      server = await startPostgresServer(bin);
    },
    fresh: async () => {
      if (server === undefined) throw new Error('the PostgreSQL test server is not started');
      databases += 1;
      const databaseUrl = await server.createDatabase(`store_test_${databases}`);
      const raw = async (sql: string) => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          return (await client.query(sql)).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      };
      return { ...tracking((o) => PostgresStore.open({ ...o, databaseUrl })), raw };
    },
    stop: async () => {
      await server?.stop();
      server = undefined;
    },
  };
}

/**
 * The back-ends the store suite runs on: SQLite always; PostgreSQL when installed, and also when
 * it is not but `CI` is set, so CI fails loudly instead of passing half the suite.
 */
export function storeBackends(
  env: NodeJS.ProcessEnv = process.env,
  bin: string | null = findPostgresBin(),
): {
  backends: StoreBackend[];
  skipped: string | null;
} {
  if (bin !== null || (env['CI'] ?? '') !== '') {
    return { backends: [sqliteBackend(), postgresBackend(bin)], skipped: null };
  }

  return {
    backends: [sqliteBackend()],
    skipped: `PostgreSQL is not installed; to run the PostgreSQL half: ${POSTGRES_INSTALL_HINT}`,
  };
}
