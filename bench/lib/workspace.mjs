// A scratch directory per scenario, holding the flow file, the SQLite files and the product's data
// directory, and the two ways of copying the emulator's responses into it: the product's CLI and
// the floor script. Each run starts from an empty database, so every run does the same work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CLI, FLOOR } from './paths.mjs';
import { lastJsonLine, runMeasured } from './measured-process.mjs';

const TABLE = 'responses';

function flowYaml({ info, rateLimit, concurrency, dbPath }) {
  const limit = rateLimit === 'off' ? 'off' : `{ requests_per_minute: ${rateLimit} }`;
  return [
    'version: 1',
    'name: bench',
    'source:',
    '  type: hotjar',
    '  credential: { type: hotjar, client_id: "${HJ_ID}", client_secret: "${HJ_SECRET}" }',
    '  template: survey_responses',
    `  params: { site_id: "${info.site_id}" }`,
    `  base_url: ${info.url}`,
    `  rate_limit: ${limit}`,
    '  sync: full_refresh',
    `  concurrency: ${concurrency}`,
    `destination: { type: sqlite, path: ${JSON.stringify(dbPath)}, table: ${TABLE}, write: upsert }`,
    '',
  ].join('\n');
}

/**
 * A scratch directory bound to one emulator.
 * @param {{info: object, rateLimit?: number | 'off', concurrency?: number}} o
 *   rateLimit defaults to 'off' (the flow's client-side budget), concurrency to 8.
 */
export function createWorkspace(o) {
  const dir = mkdtempSync(join(tmpdir(), 'hotjar-flow-bench-'));
  const dbPath = join(dir, 'bench.db');
  const flowPath = join(dir, 'flow.yaml');
  const rateLimit = o.rateLimit ?? 'off';
  writeFileSync(
    flowPath,
    flowYaml({ info: o.info, rateLimit, concurrency: o.concurrency ?? 8, dbPath }),
  );
  const env = {
    HJ_ID: o.info.client_id,
    HJ_SECRET: o.info.client_secret,
    HOTJAR_FLOW_DATA_DIR: join(dir, 'data'),
  };
  const clearDb = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  };

  return {
    dir,
    flowPath,

    /** `hotjar-flow run flow.yaml --json`, timed from spawn to exit. */
    async runProduct() {
      clearDb();
      const run = await runMeasured({ args: [CLI, 'run', flowPath, '--json'], cwd: dir, env });
      const summary = lastJsonLine(run.stdout);
      if (run.code !== 0 || summary?.status !== 'succeeded') {
        throw new Error(`product run failed (exit ${run.code}): ${run.stdout.slice(-500)}`);
      }
      return { ...run, records: summary.counts.records_written, summary };
    },

    /** The floor script, timed the same way. */
    async runFloor() {
      clearDb();
      const args = [FLOOR, '--url', o.info.url, '--site-id', o.info.site_id, '--db', dbPath];
      const run = await runMeasured({ args, cwd: dir, env });
      if (run.code !== 0) throw new Error(`floor run failed (exit ${run.code})`);
      return { ...run, records: lastJsonLine(run.stdout).records };
    },

    /** `hotjar-flow test flow.yaml --json`, timed from spawn to exit. */
    async runTestButton() {
      const run = await runMeasured({ args: [CLI, 'test', flowPath, '--json'], cwd: dir, env });
      if (run.code !== 0) throw new Error(`test button failed (exit ${run.code})`);
      return { ...run, result: lastJsonLine(run.stdout) };
    },

    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
