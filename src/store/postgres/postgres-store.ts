import { migrate } from '../sql/migrate.js';
import { SqlStore } from '../sql/sql-store.js';
import type { StoreOptions } from '../store.js';
import { PostgresDriver } from './postgres-driver.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';

export interface PostgresStoreOptions extends StoreOptions {
  /** A `postgres://` connection string (`DATABASE_URL`). */
  databaseUrl: string;
}

/** The shared store for several processes or machines, migrated to the latest schema on open. */
export class PostgresStore extends SqlStore {
  /** Connects and applies pending migrations (several processes may start at once). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const driver = new PostgresDriver(options.databaseUrl);

    try {
      await migrate(driver, POSTGRES_MIGRATIONS, new Date().toISOString());
    } catch (error) {
      await driver.close();
      throw error;
    }

    return new PostgresStore(driver, options);
  }
}
