import type { Database, Statement } from 'better-sqlite3';

import { DestinationError } from '../../errors/errors.js';
import type { Logger } from '../../log/logger.js';
import type { FlowRecord } from '../destination.js';
import { quoteIdentifier } from './quote-identifier.js';
import { toKeyValue, toSqlValue, type SqlValue } from './sql-value.js';

/** Our own columns, after the record's fields. */
export const RUN_ID_COLUMN = '_hf_run_id';
export const LOADED_AT_COLUMN = '_hf_loaded_at';
const OWN_COLUMNS = [RUN_ID_COLUMN, LOADED_AT_COLUMN];

/** What a record whose key is already stored does: nothing, or update the row. */
export type ConflictAction = 'nothing' | 'update';

export interface SqliteTableWriterOptions {
  db: Database;
  table: string;
  /** Empty: plain inserts, no key index. */
  primaryKey: readonly string[];
  onConflict: ConflictAction;
  logger: Logger;
}

/** The stamp every row of a batch carries in our own columns. */
export interface RowStamp {
  runId: string;
  loadedAt: string;
}

/** More rows per statement means fewer native calls; 64 is where the gain levels off. */
const MAX_ROWS_PER_STATEMENT = 64;
/** SQLite's default limit on `?` parameters in one statement. */
const MAX_PARAMETERS = 32_766;

/**
 * Writes records into one table with one column per top-level field. The table is created from
 * the first records and grows a column for each new field (schema evolution). Inserts use
 * multi-row statements, cached per row count, that are rebuilt only when the columns change.
 */
export class SqliteTableWriter {
  private readonly db: Database;
  private readonly table: string;
  private readonly primaryKey: readonly string[];
  /**
   * Key columns hold text: APIs send the same ID as 123 one day and "123" the next (Hotjar's IDs
   * are opaque strings), and SQLite would keep both as different keys.
   */
  private readonly keyFields: ReadonlySet<string>;
  private readonly onConflict: ConflictAction;
  private readonly logger: Logger;
  /** Record fields that have a column, in column order. */
  private fields: string[] = [];
  private readonly known = new Set<string>();
  /** Lower-cased column name → column name: SQLite compares column names without case. */
  private readonly byLowerName = new Map<string, string>();
  private tableExists = false;
  private statements = new Map<number, Statement>();
  private maxRows = 1;

  constructor(options: SqliteTableWriterOptions) {
    this.db = options.db;
    this.table = options.table;
    this.primaryKey = options.primaryKey;
    this.keyFields = new Set(options.primaryKey);
    this.onConflict = options.onConflict;
    this.logger = options.logger;
    this.loadColumns();
  }

  /** Whether the table exists in the file. */
  get exists(): boolean {
    return this.tableExists;
  }

  /**
   * Makes sure every field of the records has a column: creates the table, or adds columns. Runs
   * in its own transaction, before the data's, so a failed batch never leaves the cached column
   * list out of step with the file. The per-record check is one set lookup per key.
   */
  prepareFields(records: readonly FlowRecord[]): void {
    if (records.length === 0) return;

    const missing = this.missingFields(records);
    if (missing.length === 0 && this.tableExists) return;

    this.db.transaction(() => {
      if (this.tableExists) this.addColumns(missing);
      else this.createTable(missing);
    })();
  }

  /** Inserts the records (call inside a transaction); returns how many rows changed. */
  insert(records: readonly FlowRecord[], stamp: RowStamp): number {
    let changes = 0;
    let start = 0;
    while (start < records.length) {
      const count = rowsForNextStatement(records.length - start, this.maxRows);
      const values = this.bindValues({ records, start, count, stamp });
      changes += this.statement(count).run(values).changes;
      start += count;
    }

    return changes;
  }

  /**
   * For an existing table: adds missing key columns and the unique index on the primary key (or
   * rebuilds it when the key changed, drops it when there is no key any more). Fails when stored
   * rows already repeat a key.
   */
  prepareKey(): void {
    if (!this.tableExists) return;

    if (this.primaryKey.length === 0) {
      // A key removed from the flow must not keep rejecting records that now repeat it.
      this.db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(keyIndexName(this.table))}`);
      return;
    }

    this.db.transaction(() => {
      const missing = this.primaryKey.filter((field) => !this.known.has(field));
      if (missing.length > 0) this.addColumns(missing);
      ensureKeyIndex({ db: this.db, table: this.table, primaryKey: this.primaryKey });
    })();
  }

  private loadColumns(): void {
    const columns = this.db
      .prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid')
      .pluck()
      .all(this.table) as string[];
    for (const column of columns) {
      this.byLowerName.set(column.toLowerCase(), column);
      if (!OWN_COLUMNS.includes(column)) this.remember(column);
    }

    this.tableExists = columns.length > 0;
    this.columnsChanged();
  }

  private missingFields(records: readonly FlowRecord[]): string[] {
    let missing: Set<string> | undefined;
    for (const record of records) {
      for (const field in record) {
        if (!this.known.has(field)) (missing ??= new Set()).add(field);
      }
    }

    return missing === undefined ? [] : [...missing];
  }

  private createTable(fields: readonly string[]): void {
    const all = [...fields, ...this.primaryKey.filter((field) => !fields.includes(field))];
    for (const field of all) this.claimName(field);

    const columns = [...all, ...OWN_COLUMNS].map(quoteIdentifier).join(', ');
    this.db.exec(`CREATE TABLE ${quoteIdentifier(this.table)} (${columns})`);
    for (const field of all) this.remember(field);
    this.tableExists = true;

    this.columnsChanged();
    if (this.primaryKey.length > 0) {
      ensureKeyIndex({ db: this.db, table: this.table, primaryKey: this.primaryKey });
    }

    this.logger.info({ columns: all.length }, 'table created');
  }

  private addColumns(fields: readonly string[]): void {
    for (const field of fields) {
      this.claimName(field);
      this.db.exec(
        `ALTER TABLE ${quoteIdentifier(this.table)} ADD COLUMN ${quoteIdentifier(field)}`,
      );
      this.remember(field);
      this.logger.info({ column: field }, 'column added');
    }

    this.columnsChanged();
  }

  /** Refuses a field whose name SQLite would confuse with an existing column or our own. */
  private claimName(field: string): void {
    const lower = field.toLowerCase();
    const taken = this.byLowerName.get(lower) ?? OWN_COLUMNS.find((own) => own === lower);
    if (taken !== undefined) {
      // TODO(#3): map such fields to distinct, stable column names instead of failing the run.
      throw new DestinationError(
        `field "${field}" clashes with column "${taken}" of table "${this.table}": ` +
          'SQLite column names ignore case, and _hf_ columns are reserved',
        { details: { table: this.table, field, column: taken } },
      );
    }

    this.byLowerName.set(lower, field);
  }

  private remember(field: string): void {
    this.fields.push(field);
    this.known.add(field);
  }

  private columnsChanged(): void {
    this.statements = new Map();
    const perRow = this.fields.length + OWN_COLUMNS.length;
    const limit = Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS / perRow));
    this.maxRows = 2 ** Math.floor(Math.log2(Math.max(1, limit)));
  }

  private bindValues(options: {
    records: readonly FlowRecord[];
    start: number;
    count: number;
    stamp: RowStamp;
  }): SqlValue[] {
    const { records, start, count, stamp } = options;
    const fields = this.fields;
    const values = new Array<SqlValue>(count * (fields.length + OWN_COLUMNS.length));
    let at = 0;
    for (let row = start; row < start + count; row += 1) {
      const record = records[row] as FlowRecord;
      for (const field of fields) {
        const value = record[field];
        values[at++] = this.keyFields.has(field)
          ? toKeyValue(value, field)
          : toSqlValue(value, field);
      }
      values[at++] = stamp.runId;
      values[at++] = stamp.loadedAt;
    }

    return values;
  }

  private statement(rows: number): Statement {
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(this.insertSql(rows));
      this.statements.set(rows, statement);
    }

    return statement;
  }

  private insertSql(rows: number): string {
    const columns = [...this.fields, ...OWN_COLUMNS];
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const head = `INSERT INTO ${quoteIdentifier(this.table)} (${columns.map(quoteIdentifier).join(', ')})`;
    return `${head} VALUES ${new Array<string>(rows).fill(tuple).join(', ')}${this.conflictSql()}`;
  }

  private conflictSql(): string {
    if (this.primaryKey.length === 0) return '';

    // TODO(#3): a record whose key is missing (NULL) never conflicts, so it is always inserted.
    const target = ` ON CONFLICT (${this.primaryKey.map(quoteIdentifier).join(', ')})`;
    if (this.onConflict === 'nothing') return `${target} DO NOTHING`;

    const updated = [...this.fields, ...OWN_COLUMNS].filter((c) => !this.primaryKey.includes(c));
    const assignments = updated.map(
      (c) => `${quoteIdentifier(c)} = excluded.${quoteIdentifier(c)}`,
    );
    return `${target} DO UPDATE SET ${assignments.join(', ')}`;
  }
}

/** The name of a table's primary-key index. */
export function keyIndexName(table: string): string {
  return `_hf_key_${table}`;
}

/** Creates the unique index on the key, or rebuilds it when it covers other columns. */
export function ensureKeyIndex(options: {
  db: Database;
  table: string;
  primaryKey: readonly string[];
}): void {
  const { db, table, primaryKey } = options;
  const indexName = keyIndexName(table);
  const current = db
    .prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno')
    .pluck()
    .all(indexName) as string[];
  if (sameList(current, primaryKey)) return;

  db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(indexName)}`);
  db.exec(
    `CREATE UNIQUE INDEX ${quoteIdentifier(indexName)} ON ${quoteIdentifier(table)} ` +
      `(${primaryKey.map(quoteIdentifier).join(', ')})`,
  );
}

/** The largest power of two not above `remaining` and `maxRows`, so few statements get cached. */
function rowsForNextStatement(remaining: number, maxRows: number): number {
  let rows = maxRows;
  while (rows > remaining) rows /= 2;
  return rows;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
