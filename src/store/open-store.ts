import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store, StoreOptions } from './store.js';

export interface OpenStoreOptions extends StoreOptions {
  /** The data directory, for the SQLite file. */
  dataDir: string;
  /** `DATABASE_URL`: when set (non-empty), the store is this PostgreSQL database instead. */
  databaseUrl?: string | undefined;
}

/** PostgreSQL when a database URL is given, otherwise `<dataDir>/hotjar-flow.db`. */
export function openStore(options: OpenStoreOptions): Promise<Store> {
  const { databaseUrl, dataDir, ...shared } = options;

  if (databaseUrl !== undefined && databaseUrl.trim() !== '') {
    return PostgresStore.open({ ...shared, databaseUrl });
  }

  return SqliteStore.open({ ...shared, dataDir });
}
