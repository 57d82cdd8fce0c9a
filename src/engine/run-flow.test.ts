import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { hotjarTemplates } from '../connectors/hotjar/template-registry.js';
import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { silentLogger } from '../log/logger.js';
import { validateFlow } from '../source/load-flow.js';
import { createEngineServices } from './create-engine-services.js';
import {
  allAnswerKeys,
  allResponseIds,
  emulatorFlow,
  readRows,
  runInProcess,
  tempDir,
} from './test-support/run-against-emulator.js';

const RESPONSES_ROUTE = 'GET /v1/sites/{site_id}/surveys/{survey_id}/responses';
let emulator: RunningEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function stateRows(dbPath: string): { partition: string; value: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT partition, value FROM _hf_state ORDER BY partition').all() as {
      partition: string;
      value: string;
    }[];
  } finally {
    db.close();
  }
}

describe('a survey_responses flow', () => {
  it('lands every response of every survey of the site exactly once', async () => {
    emulator = await startEmulator({ surveys: 3, responses: 250 });
    const dbPath = join(tempDir(), 'hotjar.db');

    const summary = await runInProcess(emulatorFlow({ emulator, dbPath }));

    expect(summary.error).toBeNull();
    expect(summary.status).toBe('succeeded');
    const rows = readRows(dbPath, 'rows');
    expect(rows.map((r) => String(r['id'])).sort()).toEqual(await allResponseIds(emulator));
    expect(new Set(rows.map((r) => `${String(r['survey_id'])}`)).size).toBe(3);
    expect(rows.every((r) => r['site_id'] === emulator?.siteId)).toBe(true);
    expect(summary.counts).toMatchObject({
      records_read: 750,
      records_written: 750,
      pages: 1 + 3 * 3,
    });
  });

  it('appends 40,000 responses once each without a 429, then exactly the 150 new ones from first pages only', async () => {
    emulator = await startEmulator({ surveys: 20, responses: 2000 });
    const dbPath = join(tempDir(), 'hotjar.db');
    const flow = emulatorFlow({ emulator, dbPath, write: 'append' });

    const first = await runInProcess(flow);
    expect(first.error).toBeNull();
    const db = new Database(dbPath, { readonly: true });
    const count = (): { n: number; distinct: number } =>
      db.prepare('SELECT count(*) AS n, count(DISTINCT id) AS "distinct" FROM rows').get() as {
        n: number;
        distinct: number;
      };
    expect(count()).toEqual({ n: 40_000, distinct: 40_000 });
    expect(emulator.stats().by_status['429']).toBeUndefined();

    emulator.addResponses(150);
    emulator.resetStats();
    const second = await runInProcess(flow);

    expect(second.error).toBeNull();
    expect(second.counts.records_written).toBe(150);
    expect(count()).toEqual({ n: 40_150, distinct: 40_150 });
    expect(emulator.stats().by_route[RESPONSES_ROUTE]).toBe(20);
    expect(stateRows(dbPath)).toHaveLength(20);
    db.close();
  });

  it('keeps one state entry per survey and asks each survey only for its newer responses (S3)', async () => {
    emulator = await startEmulator({ surveys: 3, responses: 300 });
    const dbPath = join(tempDir(), 'hotjar.db');
    const flow = emulatorFlow({ emulator, dbPath, write: 'upsert' });

    await runInProcess(flow);
    const before = stateRows(dbPath);
    emulator.resetStats();
    const second = await runInProcess(flow);

    expect(second.counts.records_written).toBeLessThan(300);
    expect(emulator.stats().by_route[RESPONSES_ROUTE]).toBe(3);
    expect(stateRows(dbPath)).toEqual(before);
    expect(before.map((s) => s.partition)).toHaveLength(3);
  });

  it('shares one token among concurrent flows with one credential (T4)', async () => {
    emulator = await startEmulator({ surveys: 2, responses: 50 });
    const logger = silentLogger();
    const services = createEngineServices({ logger, templates: hotjarTemplates() });
    const dir = tempDir();
    const flows = [1, 2, 3].map((n) =>
      emulatorFlow({
        emulator: emulator as RunningEmulator,
        dbPath: join(dir, `${n}.db`),
        name: `f${n}`,
      }),
    );

    const summaries = await Promise.all(flows.map((flow) => runInProcess(flow, { services })));
    await services.http.close();

    expect(summaries.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(emulator.stats().token_requests).toBe(1);
  });

  it('survey_answers into a JSON Lines file: every answer once, then exactly the new ones', async () => {
    emulator = await startEmulator({ surveys: 3, responses: 300 });
    const dir = tempDir();
    const file = join(dir, 'answers.jsonl');
    const flow = validateFlow(
      {
        version: 1,
        name: 'answers',
        source: {
          type: 'hotjar',
          credential: {
            type: 'hotjar',
            client_id: emulator.clientId,
            client_secret: emulator.clientSecret,
          },
          template: 'survey_answers',
          params: { site_id: emulator.siteId },
          base_url: emulator.url,
        },
        destination: { type: 'jsonl', path: file, write: 'append' },
      },
      null,
    );
    const keys = (): string[] =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const row = JSON.parse(l) as { response_id: unknown; question_id: unknown };
          return `${String(row.response_id)}/${String(row.question_id)}`;
        });

    const first = await runInProcess(flow, { dataDir: dir });
    expect(first.error).toBeNull();
    expect(keys().sort()).toEqual(await allAnswerKeys(emulator));

    emulator.addResponses(45);
    const second = await runInProcess(flow, { dataDir: dir });
    expect(second.error).toBeNull();
    const all = keys();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(await allAnswerKeys(emulator));
  });
});
