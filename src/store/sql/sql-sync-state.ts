import { json, text, toJson } from './row-values.js';
import type { SqlContext } from './sql-context.js';

/** Every partition's value of a flow's sync state. */
export async function readSyncState(ctx: SqlContext, flow: string): Promise<Map<string, unknown>> {
  const { rows } = await ctx.db.query(
    'SELECT partition_key, value_json FROM sync_state WHERE flow = $1 ORDER BY partition_key',
    [flow],
  );
  return new Map(rows.map((row) => [text(row, 'partition_key'), json(row, 'value_json')]));
}

/** Replaces the values of the given partitions together: all are written or none. */
export async function writeSyncState(
  ctx: SqlContext,
  flow: string,
  values: Map<string, unknown>,
): Promise<void> {
  const at = ctx.now();

  await ctx.db.transaction(async (tx) => {
    for (const [partition, value] of values) {
      await tx.query(
        `INSERT INTO sync_state (flow, partition_key, value_json, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (flow, partition_key)
         DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
        [flow, partition, toJson(value ?? null), at],
      );
    }
  });
}

export async function resetSyncState(
  ctx: SqlContext,
  flow: string,
  partition: string | undefined,
): Promise<number> {
  const { rowCount } =
    partition === undefined
      ? await ctx.db.query('DELETE FROM sync_state WHERE flow = $1', [flow])
      : await ctx.db.query('DELETE FROM sync_state WHERE flow = $1 AND partition_key = $2', [
          flow,
          partition,
        ]);
  return rowCount;
}
