import { decodeCursor, pageLimit, toPage } from '../page-cursor.js';
import type {
  NewNotification,
  NotificationRecord,
  NotificationSubject,
  Page,
  PageRequest,
} from '../store-records.js';
import { integer, nullableText, text } from './row-values.js';
import { onlyRow, type SqlContext } from './sql-context.js';
import type { SqlRow } from './sql-driver.js';

const COLUMNS = 'seq, id, kind, flow_id, run_id, credential_id, message, created_at, read_at';

export async function createNotification(
  ctx: SqlContext,
  input: NewNotification,
): Promise<NotificationRecord> {
  const id = ctx.newId();
  const subject = input.subject ?? {};
  const { rows } = await ctx.db.query(
    `INSERT INTO notifications (id, kind, flow_id, run_id, credential_id, message, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      id,
      input.kind,
      subject.flow_id ?? null,
      subject.run_id ?? null,
      subject.credential_id ?? null,
      input.message,
      ctx.now(),
    ],
  );
  return notificationFromRow(onlyRow(rows, 'notification', id));
}

export async function listNotifications(
  ctx: SqlContext,
  options: (PageRequest & { unread_only?: boolean }) | undefined,
): Promise<Page<NotificationRecord>> {
  const limit = pageLimit(options);
  const before = decodeCursor('notifications', options?.cursor);
  const params: unknown[] = [limit + 1];
  const conditions: string[] = [];

  if (options?.unread_only === true) conditions.push('read_at IS NULL');
  if (before !== undefined) {
    params.push(Number(before));
    conditions.push(`seq < $${params.length}`);
  }

  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const { rows } = await ctx.db.query(
    `SELECT ${COLUMNS} FROM notifications ${where} ORDER BY seq DESC LIMIT $1`,
    params,
  );
  const seqOf = new Map(rows.map((row) => [text(row, 'id'), integer(row, 'seq')]));
  return toPage('notifications', rows.map(notificationFromRow), limit, (n) => seqOf.get(n.id) ?? 0);
}

export async function markNotificationRead(
  ctx: SqlContext,
  id: string,
): Promise<NotificationRecord> {
  const { rows } = await ctx.db.query(
    `UPDATE notifications SET read_at = COALESCE(read_at, $2) WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, ctx.now()],
  );
  return notificationFromRow(onlyRow(rows, 'notification', id));
}

export async function markAllNotificationsRead(ctx: SqlContext): Promise<number> {
  const { rowCount } = await ctx.db.query(
    'UPDATE notifications SET read_at = $1 WHERE read_at IS NULL',
    [ctx.now()],
  );
  return rowCount;
}

function notificationFromRow(row: SqlRow): NotificationRecord {
  const subject: NotificationSubject = {};
  const flowId = nullableText(row, 'flow_id');
  const runId = nullableText(row, 'run_id');
  const credentialId = nullableText(row, 'credential_id');
  if (flowId !== null) subject.flow_id = flowId;
  if (runId !== null) subject.run_id = runId;
  if (credentialId !== null) subject.credential_id = credentialId;

  return {
    id: text(row, 'id'),
    kind: text(row, 'kind') as NotificationRecord['kind'],
    subject,
    message: text(row, 'message'),
    created_at: text(row, 'created_at'),
    read_at: nullableText(row, 'read_at'),
  };
}
