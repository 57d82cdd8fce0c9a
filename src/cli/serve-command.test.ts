import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { BIN, runCli } from './test-support/cli-process.js';

const ADMIN_TOKEN = 'cli-admin-token-0123456789abcdef';

describe('hotjar-flow serve as a process', () => {
  let emulator: RunningEmulator;
  let dataDir: string;
  let child: ChildProcessWithoutNullStreams;
  let url = '';
  let stderr = '';

  beforeAll(async () => {
    emulator = await startEmulator({ surveys: 2, responses: 50 });
    dataDir = mkdtempSync(join(tmpdir(), 'hotjar-flow-serve-'));
    child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
      env: {
        ...process.env,
        HOTJAR_FLOW_ADMIN_TOKEN: ADMIN_TOKEN,
        HOTJAR_FLOW_LOG_LEVEL: 'warn',
        DATABASE_URL: '',
      },
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const first = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    url = (JSON.parse(first) as { url: string }).url;
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function cli(args: string[]) {
    return runCli(args, {
      env: {
        HOTJAR_FLOW_URL: url,
        HOTJAR_FLOW_TOKEN: ADMIN_TOKEN,
        EMU_SECRET: emulator.clientSecret,
      },
    });
  }

  it('prints its URL first, the generated admin password once on stderr, and answers /healthz', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stderr).toMatch(/Created the user "admin" with the password \S+/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('stores a credential, applies a flow and runs it through the CLI, filling the SQLite file', async () => {
    const added = await cli([
      'credentials',
      'add',
      'emulator',
      '--type',
      'hotjar',
      '--set',
      `client_id=${emulator.clientId}`,
      '--set',
      `base_url=${emulator.url}`,
      '--set',
      `site_id=${emulator.siteId}`,
      '--secret',
      'client_secret=EMU_SECRET',
    ]);
    expect(added.code, added.stderr).toBe(0);

    const tested = await cli(['credentials', 'test', 'emulator']);
    expect(tested.stdout).toMatch(/^verified: /);

    const listed = await cli(['credentials', 'list', '--json']);
    expect(listed.stdout).not.toContain(emulator.clientSecret);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'emulator' })]);

    const file = join(dataDir, 'flow.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'name: cli-flow',
        'source:',
        '  type: hotjar',
        '  credential: emulator',
        '  template: survey_responses',
        `  params: { site_id: "${emulator.siteId}" }`,
        `  base_url: ${emulator.url}`,
        'destination: { type: sqlite, path: out.db, table: responses, write: upsert }',
      ].join('\n'),
    );
    const applied = await cli(['flows', 'apply', file]);
    expect(applied.code, applied.stderr).toBe(0);

    const run = await cli(['flows', 'run', 'cli-flow', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded', flow: 'cli-flow' });

    const db = new Database(join(dataDir, 'files', 'out.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM responses').get()).toEqual({ n: 100 });
    } finally {
      db.close();
    }

    const exported = await cli(['flows', 'export', 'cli-flow']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('credential: emulator');
    expect(exported.stdout).toContain('template: survey_responses');
    expect(exported.stdout).not.toContain(emulator.clientSecret);

    const removed = await cli(['credentials', 'remove', 'emulator']);
    expect(removed.code).toBe(3);
    expect(removed.stderr).toContain('cli-flow');
  });

  it('exits 0 on SIGTERM', async () => {
    const exit = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
