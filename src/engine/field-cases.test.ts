import { join } from 'node:path';
import { Writable } from 'node:stream';

import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { hotjarTemplates } from '../connectors/hotjar/template-registry.js';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../emulator/start-emulator.js';
import { silentLogger } from '../log/logger.js';
import { createEngineServices } from './create-engine-services.js';
import {
  allResponseIds,
  emulatorFlow,
  readRows,
  runInProcess,
  tempDir,
} from './test-support/run-against-emulator.js';

const RESPONSES_ROUTE = 'GET /v1/sites/{site_id}/surveys/{survey_id}/responses';
const fastRetries = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 10_000 };
let emulator: RunningEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: EmulatorOptions): Promise<RunningEmulator> {
  emulator = await startEmulator(options);
  return emulator;
}

function fastServices(): ReturnType<typeof createEngineServices> {
  return createEngineServices({
    logger: silentLogger(),
    templates: hotjarTemplates(),
    retry: fastRetries,
  });
}

function ids(dbPath: string): string[] {
  return readRows(dbPath, 'rows')
    .map((r) => String(r['id']))
    .sort();
}

function stateCount(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE name = '_hf_state'").get();
    return exists === undefined
      ? 0
      : (db.prepare('SELECT count(*) AS n FROM _hf_state').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('pagination cases', () => {
  it('P1: a short page with a cursor does not end the stream', async () => {
    const hj = await start({ surveys: 1, responses: 149 });
    hj.addFault('short=1,at=1,path=/responses');
    const dbPath = join(tempDir(), 'p1.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    expect(summary.error).toBeNull();
    expect(ids(dbPath)).toHaveLength(149);
    expect(ids(dbPath)).toEqual(await allResponseIds(hj));
  });

  it('P2: each survey starts with fresh pagination; 2 + 1 + 3 pages make 6 child requests', async () => {
    const hj = await start({ surveys: 3, responses: 100 });
    const surveys = hj.model.allSurveys().filter((s) => s.site.id === hj.siteId);
    hj.addResponses(100, surveys[0]?.key);
    hj.addResponses(200, surveys[2]?.key);
    hj.resetStats();
    const dbPath = join(tempDir(), 'p2.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    expect(summary.error).toBeNull();
    expect(hj.stats().by_route[RESPONSES_ROUTE]).toBe(6);
    expect(hj.stats().by_status['400']).toBeUndefined();
    expect(ids(dbPath)).toHaveLength(600);
  });

  it('P3: an empty page that keeps its cursor fails the run instead of looping', async () => {
    const hj = await start({ surveys: 1, responses: 300 });
    hj.addFault('empty_forever,path=/responses');
    hj.resetStats();
    const dbPath = join(tempDir(), 'p3.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('PAGINATION_STALLED');
    expect(hj.stats().by_route[RESPONSES_ROUTE]).toBeLessThanOrEqual(2);
    expect(stateCount(dbPath)).toBe(0);
  });

  it('P4: a repeated cursor fails the run, leaves the state alone and writes nothing twice', async () => {
    const hj = await start({ surveys: 1, responses: 500 });
    hj.addFault('same_cursor,at=2,path=/responses');
    hj.resetStats();
    const dbPath = join(tempDir(), 'p4.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('PAGINATION_STALLED');
    expect(hj.stats().by_route[RESPONSES_ROUTE]).toBeLessThanOrEqual(3);
    const rows = ids(dbPath);
    expect(new Set(rows).size).toBe(rows.length);
    expect(stateCount(dbPath)).toBe(0);
  });
});

describe('token cases', () => {
  it('T1: a 2-second token is renewed before it expires during a 6-second run; no request meets a 401', async () => {
    const hj = await start({ surveys: 1, responses: 3000, tokenTtl: 2, latencyMs: 200 });
    const dbPath = join(tempDir(), 't1.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    expect(summary.error).toBeNull();
    expect(hj.stats().by_status['401']).toBeUndefined();
    expect(hj.stats().token_requests).toBeGreaterThanOrEqual(3);
    expect(ids(dbPath)).toHaveLength(3000);
  }, 30_000);

  it('T3: a 401 mid-run is answered by one refresh and the same page again, with no duplicates', async () => {
    const hj = await start({ surveys: 1, responses: 500 });
    hj.addFault('status=401,at=3,path=/responses');
    const dbPath = join(tempDir(), 't3.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    expect(summary.error).toBeNull();
    expect(hj.stats().token_requests).toBe(2);
    expect(ids(dbPath)).toEqual(await allResponseIds(hj));
  });

  it('T3: a second 401 right after the refresh fails the run as an auth error', async () => {
    const hj = await start({ surveys: 1, responses: 500 });
    hj.addFault('status=401,at=3,path=/responses');
    hj.addFault('status=401,at=4,path=/responses');
    const dbPath = join(tempDir(), 't3b.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }), {
      services: fastServices(),
    });

    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('AUTH_FAILED');
    expect(hj.stats().token_requests).toBe(2);
  });

  it.each(['expires-in-string', 'no-expires-in', 'lowercase-type'] as const)(
    'T5: a token answer with %s works',
    async (variant) => {
      const hj = await start({ surveys: 1, responses: 120, tokenResponse: variant });
      const dbPath = join(tempDir(), 't5.db');

      const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

      expect(summary.error).toBeNull();
      expect(ids(dbPath)).toHaveLength(120);
    },
  );
});

describe('retry cases', () => {
  it('R1: after a 429 with Retry-After: 7 the next request waits at least 7 seconds', async () => {
    const hj = await start({ surveys: 1, responses: 300 });
    hj.addFault('status=429,at=2,path=/responses,retry_after=7');
    const sent: number[] = [];
    const dbPath = join(tempDir(), 'r1.db');
    const services = createEngineServices({ logger: silentLogger(), templates: hotjarTemplates() });
    const send = services.http.send.bind(services.http);
    services.http.send = (request, options) => {
      if (request.url.includes('/responses')) sent.push(Date.now());
      return send(request, options);
    };

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }), { services });
    await services.http.close();

    expect(summary.error).toBeNull();
    expect(ids(dbPath)).toHaveLength(300);
    expect(hj.stats().by_status['429']).toBe(1);
    expect(summary.counts.retries).toBe(1);
    const total = (sent.at(-1) ?? 0) - (sent[0] ?? 0);
    expect(total).toBeGreaterThanOrEqual(7000);
  }, 30_000);

  it('R2: a 429 on page 7 of 10 resumes at page 7 after Retry-After, without restarting', async () => {
    const hj = await start({ surveys: 1, responses: 1000 });
    hj.addFault('status=429,at=7,path=/responses,retry_after=1');
    hj.resetStats();
    const dbPath = join(tempDir(), 'r2.db');
    const started = Date.now();

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    expect(summary.error).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(hj.stats().by_route[RESPONSES_ROUTE]).toBe(11);
    expect(summary.counts.retries).toBe(1);
    expect(ids(dbPath)).toHaveLength(1000);
  });

  it('R3: a 504 that never stops fails the run after the attempt limit', async () => {
    const hj = await start({ surveys: 1, responses: 300 });
    hj.addFault('status=504,html,path=/responses');
    hj.resetStats();
    const dbPath = join(tempDir(), 'r3.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }), {
      services: fastServices(),
    });

    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('RETRIES_EXHAUSTED');
    expect(summary.error?.message).toContain('/responses');
    expect(hj.stats().by_route[RESPONSES_ROUTE]).toBe(fastRetries.maxAttempts);
  });

  it('R4: a 200 with an HTML body fails, naming method, URL, status, content type and a preview', async () => {
    const hj = await start({ surveys: 1, responses: 300 });
    hj.addFault('html,at=2,path=/responses');
    const dbPath = join(tempDir(), 'r4.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('PARSE_FAILED');
    expect(summary.error?.message).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/v1\/sites\/.*\/responses/,
    );
    expect(summary.error?.message).toContain('200');
    expect(summary.error?.message).toContain('text/html');
    expect(summary.error?.message).toMatch(/<html|<!doctype/i);
  });
});

describe('state and delivery cases', () => {
  it('S2: a failed write leaves the state alone; the next run writes each record once', async () => {
    const hj = await start({ surveys: 2, responses: 250 });
    const dbPath = join(tempDir(), 's2.db');
    const flow = emulatorFlow({ emulator: hj, dbPath, write: 'append' });
    const surveys = hj.model.allSurveys().filter((x) => x.site.id === hj.siteId);
    // A first flow fills the table from survey A, so the table exists with its real columns.
    await runInProcess(
      emulatorFlow({
        emulator: hj,
        dbPath,
        name: 'seed',
        params: { site_id: hj.siteId, survey_id: surveys[0]?.key ?? '' },
      }),
    );
    const victim =
      readRows(dbPath, 'rows').length === 250 ? await victimOf(hj, surveys[1]?.key ?? '') : '';
    const db = new Database(dbPath);
    db.exec(
      `CREATE TRIGGER boom BEFORE INSERT ON rows WHEN NEW.id = '${victim}' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`,
    );
    db.close();

    const failed = await runInProcess(flow);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('DESTINATION_FAILED');
    expect(ids(dbPath).length).toBeLessThan(500);
    expect(ids(dbPath)).not.toContain(victim);

    const fix = new Database(dbPath);
    fix.exec('DROP TRIGGER boom');
    fix.close();
    const rerun = await runInProcess(flow);

    expect(rerun.error).toBeNull();
    expect(ids(dbPath)).toEqual(await allResponseIds(hj));
  });
});

/** The id of the 150th response of a survey: on its second page. */
async function victimOf(hj: RunningEmulator, surveyKey: string): Promise<string> {
  const dir = tempDir();
  await runInProcess(
    emulatorFlow({
      emulator: hj,
      dbPath: join(dir, 'v.db'),
      params: { site_id: hj.siteId, survey_id: surveyKey },
    }),
  );
  const rows = readRows(join(dir, 'v.db'), 'rows', 'created_time');
  return String(rows[rows.length - 150]?.['id']);
}

describe('data cases', () => {
  it('D1: multilingual text and emoji land byte-identical', async () => {
    const hj = await start({ surveys: 1, responses: 200 });
    const dbPath = join(tempDir(), 'd1.db');

    await runInProcess(emulatorFlow({ emulator: hj, dbPath }));

    const stored = readRows(dbPath, 'rows');
    const token = (await (
      await fetch(`${hj.url}/v1/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: hj.clientId,
          client_secret: hj.clientSecret,
        }),
      })
    ).json()) as { access_token: string };
    const survey = stored[0]?.['survey_id'];
    const page = (await (
      await fetch(`${hj.url}/v1/sites/${hj.siteId}/surveys/${String(survey)}/responses?limit=100`, {
        headers: { authorization: `Bearer ${token.access_token}` },
      })
    ).json()) as { results: { id: number; answers: unknown }[] };
    const byId = new Map(stored.map((r) => [String(r['id']), r['answers']]));
    const texts = page.results.map((r) => JSON.stringify(r.answers));
    expect(texts.join('')).toMatch(/\p{Script=Han}/u);
    expect(texts.join('')).toMatch(/\p{Script=Arabic}|\p{Script=Hebrew}/u);
    for (const response of page.results)
      expect(byId.get(String(response.id))).toBe(JSON.stringify(response.answers));
  });

  it('D2: debug logs hold no client secret, access token or Bearer value', async () => {
    const hj = await start({ surveys: 1, responses: 150 });
    hj.addFault('status=401,at=2,path=/responses');
    hj.addFault('status=500,at=3,path=/responses');
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _e, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const dbPath = join(tempDir(), 'd2.db');

    const summary = await runInProcess(emulatorFlow({ emulator: hj, dbPath }), {
      logger,
      services: createEngineServices({ logger, templates: hotjarTemplates(), retry: fastRetries }),
    });

    expect(summary.error).toBeNull();
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(2);
    expect(text).not.toContain(hj.clientSecret);
    expect(text).not.toMatch(/Bearer\s+[A-Za-z0-9._~+/-]{8,}/);
    expect(text).not.toMatch(/access_token["=:]+\s*"?[A-Za-z0-9]/);
  });
});
