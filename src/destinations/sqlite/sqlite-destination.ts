import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import { crashPoint } from '../../engine/crash-points.js';
import { DestinationError } from '../../errors/errors.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import type {
  Destination,
  OpenContext,
  StateEntry,
  WriteBatch,
  WriteResult,
} from '../destination.js';
import { quoteIdentifier } from './quote-identifier.js';
import { SqliteStateTable } from './sqlite-state-table.js';
import {
  ensureKeyIndex,
  keyIndexName,
  SqliteTableWriter,
  type RowStamp,
} from './sqlite-table-writer.js';

export interface SqliteDestinationOptions {
  /** The database file; parent directories are created. */
  path: string;
  table: string;
  /** Default: a logger that writes nothing. */
  logger?: Logger;
  /** How long a write waits for another connection's lock; default 5000 ms. */
  busyTimeoutMs?: number;
}

/** Everything that exists only between `open` and `close`. */
interface OpenState {
  db: Database.Database;
  context: OpenContext;
  writer: SqliteTableWriter;
  state: SqliteStateTable;
  /** `replace` keeps state in memory until the swap, so it never outruns the visible data. */
  pendingState: Map<string, unknown>;
  /** One transaction: the batch's rows, then (except for `replace`) its state entries. */
  writeBatch: (batch: WriteBatch, stamp: RowStamp) => number;
}

/**
 * Writes records to a SQLite table and commits the flow's sync state in the same transaction, so
 * a batch's rows and its bookmark land together or not at all. `replace` fills a staging table
 * and swaps it in at `commit`.
 */
export class SqliteDestination implements Destination {
  private readonly options: SqliteDestinationOptions;
  private readonly logger: Logger;
  private current: OpenState | undefined;

  constructor(options: SqliteDestinationOptions) {
    this.options = options;
    this.logger = (options.logger ?? silentLogger()).child({
      destination: 'sqlite',
      table: options.table,
    });
  }

  open(context: OpenContext): Promise<void> {
    return settle(() => {
      this.checkContext(context);
      this.current?.db.close();
      const db = this.attempt('open', () => this.openDatabase());
      try {
        this.current = this.attempt('open', () => this.prepare(db, context));
      } catch (error) {
        db.close();
        throw error;
      }
    });
  }

  readState(): Promise<Map<string, unknown>> {
    return settle(() => {
      const { db, context } = this.opened();
      return this.attempt('read state', () => SqliteStateTable.read(db, context.flow));
    });
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    return settle(() => {
      const open = this.opened();
      const stamp = { runId: open.context.runId, loadedAt: new Date().toISOString() };

      const written = this.attempt('write', () => {
        open.writer.prepareFields(batch.records);
        return open.writeBatch(batch, stamp);
      });

      if (open.context.write === 'replace') mergeInto(open.pendingState, batch.state);
      return { written };
    });
  }

  commit(state?: readonly StateEntry[]): Promise<void> {
    return settle(() => {
      const open = this.opened();
      const updatedAt = new Date().toISOString();
      const entries = [...merged(open.pendingState, state)].map(([partition, value]) => ({
        partition,
        value,
      }));

      this.attempt('commit', () => {
        open.db.transaction(() => {
          if (open.context.write === 'replace') this.swapStaging(open);
          open.state.save(open.context.flow, entries, updatedAt);
        })();
      });
      open.pendingState.clear();
    });
  }

  abort(): Promise<void> {
    return settle(() => {
      const open = this.current;
      if (open === undefined) return;

      open.pendingState.clear();
      if (open.context.write === 'replace') {
        this.attempt('abort', () => open.db.exec(`DROP TABLE IF EXISTS ${this.stagingName()}`));
      }
    });
  }

  close(): Promise<void> {
    return settle(() => {
      this.current?.db.close();
      this.current = undefined;
    });
  }

  private checkContext(context: OpenContext): void {
    if (context.write === 'upsert' && context.primaryKey.length === 0) {
      throw new DestinationError(
        `sqlite upsert into table "${this.options.table}" needs a primary key; ` +
          'set primary_key on the source, or use write: append',
        { details: { table: this.options.table, write: context.write } },
      );
    }

    if (this.options.table === '') {
      throw new DestinationError('the sqlite destination needs a table name');
    }
  }

  private openDatabase(): Database.Database {
    mkdirSync(dirname(this.options.path), { recursive: true });
    const db = new Database(this.options.path, { timeout: this.options.busyTimeoutMs ?? 5_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  }

  private prepare(db: Database.Database, context: OpenContext): OpenState {
    const staged = context.write === 'replace';
    if (staged) db.exec(`DROP TABLE IF EXISTS ${this.stagingName()}`);

    const writer = new SqliteTableWriter({
      db,
      table: staged ? stagingTable(this.options.table) : this.options.table,
      primaryKey: context.primaryKey,
      onConflict: context.write === 'append' ? 'nothing' : 'update',
      logger: this.logger,
    });
    writer.prepareKey();

    const state = new SqliteStateTable(db);
    const writeBatch = db.transaction((batch: WriteBatch, stamp: RowStamp) => {
      const changes = writer.insert(batch.records, stamp);
      if (!staged) state.save(context.flow, batch.state ?? [], stamp.loadedAt);
      crashPoint('in-transaction');
      return changes;
    });

    return { db, context, writer, state, pendingState: new Map(), writeBatch };
  }

  /** Runs inside the commit transaction: readers see the old table or the new one, never a mix. */
  private swapStaging(open: OpenState): void {
    const target = quoteIdentifier(this.options.table);
    if (!open.writer.exists) {
      // No record arrived: the fresh copy of the data is empty.
      if (this.targetExists(open.db)) open.db.exec(`DELETE FROM ${target}`);
      return;
    }

    open.db.exec(`DROP TABLE IF EXISTS ${target}`);
    open.db.exec(`ALTER TABLE ${this.stagingName()} RENAME TO ${target}`);
    if (open.context.primaryKey.length === 0) return;

    const stagingIndex = keyIndexName(stagingTable(this.options.table));
    open.db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(stagingIndex)}`);
    ensureKeyIndex({ db: open.db, table: this.options.table, primaryKey: open.context.primaryKey });
  }

  private targetExists(db: Database.Database): boolean {
    const sql = `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`;
    return db.prepare(sql).get(this.options.table) !== undefined;
  }

  private stagingName(): string {
    return quoteIdentifier(stagingTable(this.options.table));
  }

  private opened(): OpenState {
    if (this.current === undefined) {
      throw new DestinationError('the sqlite destination is not open');
    }

    return this.current;
  }

  /** Runs a step; anything it throws becomes a DestinationError naming the step and the table. */
  private attempt<T>(step: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof DestinationError) throw error;

      const reason = error instanceof Error ? error.message : String(error);
      throw new DestinationError(
        `sqlite ${step} failed for table "${this.options.table}" in ${this.options.path}: ${reason}`,
        { cause: error, details: { table: this.options.table, path: this.options.path, step } },
      );
    }
  }
}

/** The staging table a `replace` run fills before the swap. */
export function stagingTable(table: string): string {
  return `_hf_stage_${table}`;
}

function mergeInto(target: Map<string, unknown>, entries: readonly StateEntry[] | undefined): void {
  for (const entry of entries ?? []) target.set(entry.partition, entry.value);
}

function merged(
  pending: ReadonlyMap<string, unknown>,
  entries: readonly StateEntry[] | undefined,
): Map<string, unknown> {
  const all = new Map(pending);
  mergeInto(all, entries);
  return all;
}

/** The interface is asynchronous; better-sqlite3 is not. A throw becomes a rejection. */
function settle<T>(run: () => T): Promise<T> {
  return new Promise((resolve) => resolve(run()));
}
