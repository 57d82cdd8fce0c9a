import { StoreConflictError, StoreNotFoundError } from '../../errors/errors.js';
import { decodeCursor, pageLimit, toPage } from '../page-cursor.js';
import type {
  NewRun,
  Page,
  PageRequest,
  RunCounts,
  RunPatch,
  RunRecord,
} from '../store-records.js';
import {
  integer,
  json,
  nullableInteger,
  nullableJson,
  nullableText,
  text,
  toJson,
} from './row-values.js';
import { onlyRow, setClause, type SqlContext } from './sql-context.js';
import type { SqlExecutor, SqlRow } from './sql-driver.js';

export const RUN_COLUMNS =
  'seq, id, flow_id, status, trigger_kind, created_at, started_at, finished_at, duration_ms, ' +
  'counts, warnings, error, claimed_by, heartbeat_at, log_lines, log_lines_dropped';

/** How often a claim is retried when another worker took the same flow at the same moment. */
const CLAIM_ATTEMPTS = 3;

export function emptyRunCounts(): RunCounts {
  return {
    requests: 0,
    retries: 0,
    pages: 0,
    records_read: 0,
    records_written: 0,
    records_quarantined: 0,
    bytes: 0,
  };
}

export function runFromRow(row: SqlRow): RunRecord {
  return {
    id: text(row, 'id'),
    flow_id: text(row, 'flow_id'),
    status: text(row, 'status') as RunRecord['status'],
    trigger: text(row, 'trigger_kind') as RunRecord['trigger'],
    created_at: text(row, 'created_at'),
    started_at: nullableText(row, 'started_at'),
    finished_at: nullableText(row, 'finished_at'),
    duration_ms: nullableInteger(row, 'duration_ms'),
    counts: json(row, 'counts'),
    warnings: json(row, 'warnings'),
    error: nullableJson(row, 'error'),
    claimed_by: nullableText(row, 'claimed_by'),
    heartbeat_at: nullableText(row, 'heartbeat_at'),
    log_lines: integer(row, 'log_lines'),
    log_lines_dropped: integer(row, 'log_lines_dropped'),
  };
}

export async function createRun(ctx: SqlContext, input: NewRun): Promise<RunRecord> {
  const id = input.id ?? ctx.newId();
  const at = ctx.now();
  const running = input.status === 'running';

  return ctx.db.transaction(async (tx) => {
    const flow = await tx.query('SELECT id FROM flows WHERE id = $1', [input.flow_id]);
    if (flow.rows.length === 0) throw new StoreNotFoundError('flow', input.flow_id);

    try {
      const { rows } = await tx.query(
        `INSERT INTO runs (id, flow_id, status, trigger_kind, created_at, started_at, heartbeat_at,
           counts, warnings, claimed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9) RETURNING ${RUN_COLUMNS}`,
        [
          id,
          input.flow_id,
          running ? 'running' : 'queued',
          input.trigger,
          at,
          running ? at : null,
          toJson(emptyRunCounts()),
          '[]',
          input.claimed_by ?? null,
        ],
      );
      return runFromRow(onlyRow(rows, 'run', id));
    } catch (error) {
      throw alreadyRunning(ctx, error, input.flow_id);
    }
  });
}

export async function getRun(ctx: SqlContext, id: string): Promise<RunRecord> {
  const { rows } = await ctx.db.query(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [id]);
  return runFromRow(onlyRow(rows, 'run', id));
}

export async function updateRun(ctx: SqlContext, id: string, patch: RunPatch): Promise<RunRecord> {
  const set = setClause(
    {
      status: patch.status,
      started_at: patch.started_at,
      finished_at: patch.finished_at,
      duration_ms: patch.duration_ms,
      counts: patch.counts === undefined ? undefined : toJson(patch.counts),
      warnings: patch.warnings === undefined ? undefined : toJson(patch.warnings),
      error:
        patch.error === undefined ? undefined : patch.error === null ? null : toJson(patch.error),
      heartbeat_at: patch.heartbeat_at,
    },
    2,
  );
  if (set.values.length === 0) return getRun(ctx, id);

  try {
    const { rows } = await ctx.db.query(
      `UPDATE runs SET ${set.sql} WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
      [id, ...set.values],
    );
    return runFromRow(onlyRow(rows, 'run', id));
  } catch (error) {
    const run = await getRun(ctx, id);
    throw alreadyRunning(ctx, error, run.flow_id);
  }
}

export async function listRunsByFlow(
  ctx: SqlContext,
  flowId: string,
  page: PageRequest | undefined,
): Promise<Page<RunRecord>> {
  const limit = pageLimit(page);
  const before = decodeCursor('runs', page?.cursor);
  const where = before === undefined ? '' : 'AND seq < $3';
  const params = before === undefined ? [flowId, limit + 1] : [flowId, limit + 1, Number(before)];

  const { rows } = await ctx.db.query(
    `SELECT ${RUN_COLUMNS} FROM runs WHERE flow_id = $1 ${where} ORDER BY seq DESC LIMIT $2`,
    params,
  );
  const seqOf = new Map(rows.map((row) => [text(row, 'id'), integer(row, 'seq')]));
  return toPage('runs', rows.map(runFromRow), limit, (run) => seqOf.get(run.id) ?? 0);
}

export async function claimNextQueued(ctx: SqlContext, worker: string): Promise<RunRecord | null> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await ctx.db.transaction((tx) => claimOnce(tx, worker, ctx.now()));
    } catch (error) {
      // Two workers picked queued runs of the same flow at once; the index let one through.
      if (!ctx.db.isUniqueViolation(error) || attempt >= CLAIM_ATTEMPTS) throw error;
    }
  }
}

/**
 * One statement: pick the oldest queued run of a flow with nothing running, and take it.
 * PostgreSQL skips rows another claimer holds (`FOR UPDATE SKIP LOCKED`); SQLite's write lock
 * (`BEGIN IMMEDIATE`) already makes claimers take turns.
 */
async function claimOnce(tx: SqlExecutor, worker: string, at: string): Promise<RunRecord | null> {
  const lock = tx.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const { rows } = await tx.query(
    `UPDATE runs SET status = 'running', started_at = $1, heartbeat_at = $1, claimed_by = $2
     WHERE status = 'queued' AND id = (
       SELECT q.id FROM runs q
       WHERE q.status = 'queued' AND NOT EXISTS (
         SELECT 1 FROM runs r WHERE r.flow_id = q.flow_id AND r.status = 'running')
       ORDER BY q.seq LIMIT 1 ${lock})
     RETURNING ${RUN_COLUMNS}`,
    [at, worker],
  );

  const row = rows[0];
  return row === undefined ? null : runFromRow(row);
}

export async function requeueStaleRuns(ctx: SqlContext, before: string): Promise<RunRecord[]> {
  const { rows } = await ctx.db.query(
    `UPDATE runs SET status = 'queued', started_at = NULL, heartbeat_at = NULL, claimed_by = NULL
     WHERE status = 'running' AND heartbeat_at < $1 RETURNING ${RUN_COLUMNS}`,
    [before],
  );
  return rows.map(runFromRow);
}

/** The one-running-run-per-flow index refused the write (PostgreSQL names it, SQLite its column). */
function alreadyRunning(ctx: SqlContext, error: unknown, flowId: string): unknown {
  const { constraint, message } = error as { constraint?: unknown; message?: unknown };
  const text = `${String(constraint)} ${String(message)}`;
  const onRunningIndex =
    text.includes('runs_one_running_per_flow') || text.includes('runs.flow_id');
  if (!ctx.db.isUniqueViolation(error) || !onRunningIndex) return error;
  return new StoreConflictError(`flow ${flowId} already has a running run`, {
    cause: error,
    details: { flow_id: flowId },
  });
}
