import { StoreConflictError, StoreNotFoundError } from '../../errors/errors.js';
import { decodeCursor, pageLimit, toPage } from '../page-cursor.js';
import type { FlowPatch, FlowRecord, NewFlow, Page, PageRequest } from '../store-records.js';
import { json, nullableText, text, toJson } from './row-values.js';
import {
  conflictOnUnique,
  onlyRow,
  placeholders,
  setClause,
  type SqlContext,
} from './sql-context.js';
import type { SqlExecutor, SqlRow } from './sql-driver.js';

const COLUMNS = 'id, name, definition, status, schedule, created_at, updated_at';

export async function createFlow(ctx: SqlContext, input: NewFlow): Promise<FlowRecord> {
  const id = input.id ?? ctx.newId();
  const at = ctx.now();
  const credentialIds = [...new Set(input.credential_ids ?? [])];

  return ctx.db.transaction(async (tx) => {
    await assertCredentialsExist(tx, credentialIds);

    try {
      await tx.query(
        `INSERT INTO flows (id, name, definition, status, schedule, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)`,
        [
          id,
          input.name,
          toJson(input.definition),
          input.status ?? 'active',
          input.schedule ?? null,
          at,
        ],
      );
    } catch (error) {
      conflictOnUnique(ctx, error, `a flow named ${JSON.stringify(input.name)} exists`);
    }

    await replaceCredentials(tx, id, credentialIds);
    return readFlow(tx, 'id', id);
  });
}

export function getFlow(ctx: SqlContext, id: string): Promise<FlowRecord> {
  return readFlow(ctx.db, 'id', id);
}

export function getFlowByName(ctx: SqlContext, name: string): Promise<FlowRecord> {
  return readFlow(ctx.db, 'name', name);
}

export async function listFlows(
  ctx: SqlContext,
  page: PageRequest | undefined,
): Promise<Page<FlowRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor('flows', page?.cursor);
  const where = after === undefined ? '' : 'WHERE name > $2';
  const params = after === undefined ? [limit + 1] : [limit + 1, String(after)];

  const { rows } = await ctx.db.query(
    `SELECT ${COLUMNS} FROM flows ${where} ORDER BY name LIMIT $1`,
    params,
  );
  const flows = await withCredentials(ctx.db, rows);
  return toPage('flows', flows, limit, (flow) => flow.name);
}

export async function updateFlow(
  ctx: SqlContext,
  id: string,
  patch: FlowPatch,
): Promise<FlowRecord> {
  return ctx.db.transaction(async (tx) => {
    const before = await readFlow(tx, 'id', id);
    const set = setClause(
      {
        name: patch.name,
        definition: patch.definition === undefined ? undefined : toJson(patch.definition),
        status: patch.status,
        schedule: patch.schedule,
        updated_at: ctx.now(),
      },
      2,
    );

    try {
      await tx.query(`UPDATE flows SET ${set.sql} WHERE id = $1`, [id, ...set.values]);
    } catch (error) {
      conflictOnUnique(ctx, error, `a flow named ${JSON.stringify(patch.name)} exists`);
    }

    await renameSyncState(tx, before.name, patch.name);
    if (patch.credential_ids !== undefined) {
      const credentialIds = [...new Set(patch.credential_ids)];
      await assertCredentialsExist(tx, credentialIds);
      await replaceCredentials(tx, id, credentialIds);
    }

    return readFlow(tx, 'id', id);
  });
}

export async function deleteFlow(ctx: SqlContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const flow = await readFlow(tx, 'id', id);
    const active = await tx.query(
      "SELECT id FROM runs WHERE flow_id = $1 AND status IN ('queued', 'running')",
      [id],
    );

    if (active.rows.length > 0) {
      throw new StoreConflictError(
        `flow ${flow.name} has ${active.rows.length} queued or running run(s); cancel them first`,
        { details: { flow_id: id, runs: active.rows.map((row) => text(row, 'id')) } },
      );
    }

    await tx.query('DELETE FROM sync_state WHERE flow = $1', [flow.name]);
    await tx.query('DELETE FROM flows WHERE id = $1', [id]);
  });
}

export async function flowsUsingCredential(
  ctx: SqlContext,
  credentialId: string,
): Promise<FlowRecord[]> {
  const { rows } = await ctx.db.query(
    `SELECT ${COLUMNS.split(', ')
      .map((column) => `f.${column}`)
      .join(', ')}
     FROM flows f JOIN flow_credentials fc ON fc.flow_id = f.id
     WHERE fc.credential_id = $1 ORDER BY f.name`,
    [credentialId],
  );
  return withCredentials(ctx.db, rows);
}

async function readFlow(db: SqlExecutor, by: 'id' | 'name', key: string): Promise<FlowRecord> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM flows WHERE ${by} = $1`, [key]);
  const [flow] = await withCredentials(db, [onlyRow(rows, 'flow', key)]);
  if (flow === undefined) throw new StoreNotFoundError('flow', key);
  return flow;
}

/** Flow rows with the ids of the credentials each uses, in one query for the whole page. */
async function withCredentials(db: SqlExecutor, rows: SqlRow[]): Promise<FlowRecord[]> {
  if (rows.length === 0) return [];

  const ids = rows.map((row) => text(row, 'id'));
  const links = await db.query(
    `SELECT flow_id, credential_id FROM flow_credentials
     WHERE flow_id IN (${placeholders(ids.length, 1)}) ORDER BY credential_id`,
    ids,
  );

  const byFlow = new Map<string, string[]>();
  for (const link of links.rows) {
    const flowId = text(link, 'flow_id');
    byFlow.set(flowId, [...(byFlow.get(flowId) ?? []), text(link, 'credential_id')]);
  }

  return rows.map((row) => flowFromRow(row, byFlow.get(text(row, 'id')) ?? []));
}

function flowFromRow(row: SqlRow, credentialIds: string[]): FlowRecord {
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    definition: json(row, 'definition'),
    status: text(row, 'status') as FlowRecord['status'],
    schedule: nullableText(row, 'schedule'),
    credential_ids: credentialIds,
    created_at: text(row, 'created_at'),
    updated_at: text(row, 'updated_at'),
  };
}

async function assertCredentialsExist(tx: SqlExecutor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;

  const { rows } = await tx.query(
    `SELECT id FROM credentials WHERE id IN (${placeholders(ids.length, 1)})`,
    ids,
  );
  const found = new Set(rows.map((row) => text(row, 'id')));
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) throw new StoreNotFoundError('credential', missing);
}

async function replaceCredentials(tx: SqlExecutor, flowId: string, ids: string[]): Promise<void> {
  await tx.query('DELETE FROM flow_credentials WHERE flow_id = $1', [flowId]);

  for (const credentialId of ids) {
    await tx.query('INSERT INTO flow_credentials (flow_id, credential_id) VALUES ($1, $2)', [
      flowId,
      credentialId,
    ]);
  }
}

/** The sync state is keyed by flow name, so it follows a rename (stale state of the new name goes). */
async function renameSyncState(
  tx: SqlExecutor,
  from: string,
  to: string | undefined,
): Promise<void> {
  if (to === undefined || to === from) return;
  await tx.query('DELETE FROM sync_state WHERE flow = $1', [to]);
  await tx.query('UPDATE sync_state SET flow = $2 WHERE flow = $1', [from, to]);
}
