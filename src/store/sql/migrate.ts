import { StoreSchemaError } from '../../errors/errors.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/** One schema change: numbered from 1, never edited once released (add a new one instead). */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Serialises migrations across processes sharing one PostgreSQL database. */
const MIGRATION_LOCK_ID = 4_815_162_342;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order, in one transaction:
 * either all of them or none. Safe on every start, and when several processes start at once.
 * Returns the versions applied now.
 */
export async function migrate(
  db: SqlDriver,
  migrations: readonly Migration[],
  appliedAt: string,
): Promise<number[]> {
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    }

    const applied = await appliedVersions(tx);
    assertNotNewer(applied, migrations);

    const pending = migrations
      .filter((migration) => !applied.has(migration.version))
      .sort((a, b) => a.version - b.version);

    for (const migration of pending) await apply(tx, migration, appliedAt);
    return pending.map((migration) => migration.version);
  });
}

async function appliedVersions(tx: SqlExecutor): Promise<Set<number>> {
  await tx.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations ' +
      '(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );

  const { rows } = await tx.query('SELECT version FROM schema_migrations');
  return new Set(rows.map((row) => Number(row['version'])));
}

function assertNotNewer(applied: Set<number>, migrations: readonly Migration[]): void {
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  const newest = Math.max(0, ...applied);
  if (newest <= known) return;

  throw new StoreSchemaError(
    `the database schema is at version ${newest}, newer than this release knows (${known}); ` +
      'upgrade hotjar-flow before using this database',
    { details: { database_version: newest, known_version: known } },
  );
}

async function apply(tx: SqlExecutor, migration: Migration, appliedAt: string): Promise<void> {
  for (const statement of migration.statements) await tx.query(statement);

  await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
    migration.version,
    migration.name,
    appliedAt,
  ]);
}
