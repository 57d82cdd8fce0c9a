import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { migrate } from '../sql/migrate.js';
import { SqlStore } from '../sql/sql-store.js';
import type { StoreOptions } from '../store.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';

/** The store file's name inside the data directory. */
export const SQLITE_STORE_FILE = 'hotjar-flow.db';

export interface SqliteStoreOptions extends StoreOptions {
  /** The data directory; the store is `<dataDir>/hotjar-flow.db` (WAL mode). */
  dataDir: string;
}

/** The embedded store: one SQLite file, migrated to the latest schema on open. */
export class SqliteStore extends SqlStore {
  /** Opens (creating when needed) the file and applies pending migrations. */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    mkdirSync(options.dataDir, { recursive: true });
    const driver = new SqliteDriver(join(options.dataDir, SQLITE_STORE_FILE));

    try {
      await migrate(driver, SQLITE_MIGRATIONS, new Date().toISOString());
    } catch (error) {
      await driver.close();
      throw error;
    }

    return new SqliteStore(driver, options);
  }
}
