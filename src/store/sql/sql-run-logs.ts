import { StoreNotFoundError } from '../../errors/errors.js';
import { decodeCursor, pageLimit, toPage } from '../page-cursor.js';
import type {
  AppendLogResult,
  NewRunLogLine,
  Page,
  PageRequest,
  RunLogLine,
} from '../store-records.js';
import { integer, json, text, toJson } from './row-values.js';
import type { SqlContext } from './sql-context.js';
import type { SqlExecutor, SqlRow } from './sql-driver.js';

/** Lines per INSERT: 6 parameters each stays far below both back-ends' parameter limits. */
const INSERT_CHUNK = 200;

/**
 * Appends lines after the run's last one, up to `maxLogLinesPerRun`. The first lines of a run are
 * kept; once the cap is reached further lines are only counted (`runs.log_lines_dropped`), since
 * the run's summary and error already tell how it ended.
 * TODO(#6): keep the last lines too (a ring of the tail), so a capped run still shows its end.
 */
export async function appendRunLogs(
  ctx: SqlContext,
  runId: string,
  lines: NewRunLogLine[],
): Promise<AppendLogResult> {
  return ctx.db.transaction(async (tx) => {
    const lock = tx.dialect === 'postgres' ? 'FOR UPDATE' : '';
    const { rows } = await tx.query(`SELECT log_lines FROM runs WHERE id = $1 ${lock}`, [runId]);
    const row = rows[0];
    if (row === undefined) throw new StoreNotFoundError('run', runId);

    const stored = integer(row, 'log_lines');
    const kept = lines.slice(0, Math.max(0, ctx.maxLogLinesPerRun - stored));
    const dropped = lines.length - kept.length;

    await insertLines(tx, runId, stored, kept);
    await tx.query(
      `UPDATE runs SET log_lines = log_lines + $2, log_lines_dropped = log_lines_dropped + $3
       WHERE id = $1`,
      [runId, kept.length, dropped],
    );
    return { appended: kept.length, dropped };
  });
}

export async function listRunLogs(
  ctx: SqlContext,
  runId: string,
  page: PageRequest | undefined,
): Promise<Page<RunLogLine>> {
  const run = await ctx.db.query('SELECT id FROM runs WHERE id = $1', [runId]);
  if (run.rows.length === 0) throw new StoreNotFoundError('run', runId);

  const limit = pageLimit(page);
  const after = Number(decodeCursor('run-logs', page?.cursor) ?? 0);
  const { rows } = await ctx.db.query(
    `SELECT seq, level, logged_at, message, fields FROM run_logs
     WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [runId, after, limit + 1],
  );
  return toPage('run-logs', rows.map(logLineFromRow), limit, (line) => line.seq);
}

async function insertLines(
  tx: SqlExecutor,
  runId: string,
  stored: number,
  lines: NewRunLogLine[],
): Promise<void> {
  for (let start = 0; start < lines.length; start += INSERT_CHUNK) {
    const chunk = lines.slice(start, start + INSERT_CHUNK);
    const params: unknown[] = [];
    const tuples = chunk.map((line, i) => {
      params.push(runId, stored + start + i + 1, line.level, line.time, line.message);
      params.push(toJson(line.fields ?? {}));
      const base = params.length - 6;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
    });

    await tx.query(
      `INSERT INTO run_logs (run_id, seq, level, logged_at, message, fields)
       VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}

function logLineFromRow(row: SqlRow): RunLogLine {
  return {
    seq: integer(row, 'seq'),
    level: text(row, 'level') as RunLogLine['level'],
    time: text(row, 'logged_at'),
    message: text(row, 'message'),
    fields: json(row, 'fields'),
  };
}
