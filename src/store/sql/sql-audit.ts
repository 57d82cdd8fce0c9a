import { decodeCursor, pageLimit, toPage } from '../page-cursor.js';
import type {
  AuditEntry,
  AuditFilter,
  NewAuditEntry,
  Page,
  PageRequest,
} from '../store-records.js';
import { integer, nullableJson, text } from './row-values.js';
import { onlyRow, type SqlContext } from './sql-context.js';
import type { SqlRow } from './sql-driver.js';

const COLUMNS = 'seq, id, actor, action, entity_type, entity_id, before_json, after_json, at';

/**
 * Appends an entry. `before` and `after` are stored as given: the caller masks secrets first
 * (`maskCredential` for credentials), since the audit trail is shown to every admin.
 */
export async function appendAudit(ctx: SqlContext, entry: NewAuditEntry): Promise<AuditEntry> {
  const id = ctx.newId();
  const { rows } = await ctx.db.query(
    `INSERT INTO audit_entries (id, actor, action, entity_type, entity_id, before_json, after_json, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [
      id,
      entry.actor,
      entry.action,
      entry.entity_type,
      entry.entity_id,
      jsonOrNull(entry.before),
      jsonOrNull(entry.after),
      ctx.now(),
    ],
  );
  return auditFromRow(onlyRow(rows, 'audit entry', id));
}

export async function listAudit(
  ctx: SqlContext,
  options: (PageRequest & AuditFilter) | undefined,
): Promise<Page<AuditEntry>> {
  const limit = pageLimit(options);
  const before = decodeCursor('audit', options?.cursor);
  const params: unknown[] = [limit + 1];
  const conditions: string[] = [];
  const add = (condition: string, value: unknown): void => {
    params.push(value);
    conditions.push(`${condition} $${params.length}`);
  };

  if (options?.entity_type !== undefined) add('entity_type =', options.entity_type);
  if (options?.entity_id !== undefined) add('entity_id =', options.entity_id);
  if (before !== undefined) add('seq <', Number(before));

  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const { rows } = await ctx.db.query(
    `SELECT ${COLUMNS} FROM audit_entries ${where} ORDER BY seq DESC LIMIT $1`,
    params,
  );
  const seqOf = new Map(rows.map((row) => [text(row, 'id'), integer(row, 'seq')]));
  return toPage('audit', rows.map(auditFromRow), limit, (entry) => seqOf.get(entry.id) ?? 0);
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function auditFromRow(row: SqlRow): AuditEntry {
  return {
    id: text(row, 'id'),
    actor: text(row, 'actor'),
    action: text(row, 'action'),
    entity_type: text(row, 'entity_type'),
    entity_id: text(row, 'entity_id'),
    before: nullableJson(row, 'before_json'),
    after: nullableJson(row, 'after_json'),
    at: text(row, 'at'),
  };
}
