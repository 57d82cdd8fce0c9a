import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { runCli } from '../cli/test-support/cli-process.js';
import { validateFlow } from '../source/load-flow.js';
import { startLocalApi, type LocalApi } from './test-support/local-api.js';
import { readRows, runInProcess, tempDir } from './test-support/run-against-emulator.js';

/** D3: pages far larger than memory should hold are parsed as they arrive. */
let api: LocalApi | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

function record(i: number): string {
  return JSON.stringify({ id: i, text: `record ${i} ${'x'.repeat(150)}`, tags: [{ name: 'a' }] });
}

describe('a very large page', () => {
  it('is streamed: 100 MB of JSON land through a process whose heap is capped at 96 MB', async () => {
    const count = 500_000;
    api = await startLocalApi((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":[');
      let i = 0;
      const pump = (): void => {
        while (i < count) {
          const ok = response.write((i === 0 ? '' : ',') + record(i));
          i += 1;
          if (!ok) return void response.once('drain', pump);
        }
        response.end('],"next":null}');
      };
      pump();
    });
    const dir = tempDir('hf-large-');
    const out = join(dir, 'big.jsonl');
    const file = join(dir, 'big.yaml');
    writeFileSync(
      file,
      `version: 1\nname: big\nsource: { type: rest, request: { url: "${api.url}/big" }, records: "$.data[*]" }\ndestination: { type: jsonl, path: "${out}", write: replace }\n`,
    );

    const result = await runCli(['run', file, '--json', '--data-dir', join(dir, 'data')], {
      env: { NODE_OPTIONS: '--max-old-space-size=96' },
    });

    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      counts: { records_written: number; bytes: number };
    };
    expect(summary.counts.records_written).toBe(count);
    expect(summary.counts.bytes).toBeGreaterThan(90 * 1024 * 1024);
  }, 120_000);

  it('hands on its first records before the body ends', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    api = await startLocalApi((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[' + Array.from({ length: 8000 }, (_, i) => record(i)).join(','));
      void released.then(() => response.end(',' + record(8000) + ']'));
    });
    const dbPath = join(tempDir(), 'first.db');
    const flow = validateFlow(
      {
        version: 1,
        name: 'first',
        source: { type: 'rest', request: { url: `${api.url}/x` } },
        destination: { type: 'sqlite', path: dbPath, table: 'items' },
      },
      null,
    );

    const running = runInProcess(flow);
    let seen = 0;
    for (let tries = 0; tries < 100 && seen === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        seen = (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
        db.close();
      } catch {
        seen = 0;
      }
    }
    release();
    const summary = await running;

    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(8001);
    expect(summary.error).toBeNull();
    expect(readRows(dbPath, 'items')).toHaveLength(8001);
  });

  it('fails with a readable error above max_response_bytes', async () => {
    api = await startLocalApi((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[' + Array.from({ length: 20_000 }, (_, i) => record(i)).join(',') + ']');
    });
    const dbPath = join(tempDir(), 'limit.db');
    const flow = validateFlow(
      {
        version: 1,
        name: 'limit',
        source: { type: 'rest', request: { url: `${api.url}/x` }, max_response_bytes: 1_000_000 },
        destination: { type: 'sqlite', path: dbPath, table: 'items' },
      },
      null,
    );

    const summary = await runInProcess(flow);

    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('RESPONSE_TOO_LARGE');
    expect(summary.error?.message).toMatch(/1000000|1 MB|max_response_bytes/);
  });
});
