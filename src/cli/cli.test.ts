import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { readRows, tempDir } from '../engine/test-support/run-against-emulator.js';
import { BIN, runCli } from './test-support/cli-process.js';

let emulator: RunningEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await startEmulator({ surveys: 2, responses: 150, latencyMs: 0 });
  dir = tempDir('hf-cli-');
  env = { HJ_ID: emulator.clientId, HJ_SECRET: emulator.clientSecret };
});

afterAll(async () => {
  await emulator.close();
});

function flowFile(
  name: string,
  overrides: { destination?: string; extra?: string[] } = {},
): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'version: 1',
      `name: ${name}`,
      'source:',
      '  type: hotjar',
      '  credential: { type: hotjar, client_id: "${HJ_ID}", client_secret: "${HJ_SECRET}" }',
      '  template: survey_responses',
      `  params: { site_id: "${emulator.siteId}" }`,
      `  base_url: ${emulator.url}`,
      ...(overrides.extra ?? []),
      overrides.destination ??
        `destination: { type: sqlite, path: "${join(dir, `${name}.db`)}", table: responses, write: upsert }`,
    ].join('\n'),
  );
  return file;
}

describe('hotjar-flow run', () => {
  it('prints one JSON summary line with the contract keys and exits 0', async () => {
    const result = await runCli(
      ['run', flowFile('json-run'), '--json', '--data-dir', join(dir, 'data')],
      { env },
    );

    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual([
      'counts',
      'duration_ms',
      'error',
      'flow',
      'run_id',
      'status',
      'warnings',
    ]);
    expect(summary['status']).toBe('succeeded');
    expect(Object.keys(summary['counts'] as object).sort()).toEqual([
      'bytes',
      'pages',
      'records_quarantined',
      'records_read',
      'records_written',
      'requests',
      'retries',
    ]);
    expect(readRows(join(dir, 'json-run.db'), 'responses')).toHaveLength(300);
  });

  it('exits 1 with the error in the summary when the run fails', async () => {
    const file = flowFile('bad-site').replace('', '');
    writeFileSync(
      file,
      (await import('node:fs')).readFileSync(file, 'utf8').replace(emulator.siteId, '999999999'),
    );

    const result = await runCli(['run', file, '--json', '--data-dir', join(dir, 'data')], { env });

    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout.trim()) as { status: string; error: { code: string } };
    expect(summary.status).toBe('failed');
    expect(summary.error.code).toBe('NOT_FOUND');
  });

  it('exits 2 naming a missing environment variable', async () => {
    const result = await runCli(['run', flowFile('no-env'), '--data-dir', join(dir, 'data')], {
      env: { HJ_ID: 'x' },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('source.credential.client_secret');
    expect(result.stderr).toContain('HJ_SECRET');
  });

  it('exits 3 while the same flow runs, and waits with --wait', async () => {
    const slow = await startEmulator({ surveys: 1, responses: 500, latencyMs: 150 });
    const file = flowFile('locked', { extra: [] });
    writeFileSync(
      file,
      (await import('node:fs')).readFileSync(file, 'utf8').replace(emulator.url, slow.url),
    );
    const slowEnv = { HJ_ID: slow.clientId, HJ_SECRET: slow.clientSecret };
    const dataDir = join(dir, 'lock-data');

    const first = runCli(['run', file, '--data-dir', dataDir], { env: slowEnv });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await runCli(['run', file, '--data-dir', dataDir], { env: slowEnv });
    const waiting = await runCli(['run', file, '--wait', '--data-dir', dataDir], { env: slowEnv });

    expect(second.code).toBe(3);
    expect(second.stderr).toContain('already running');
    expect((await first).code).toBe(0);
    expect(waiting.code).toBe(0);
    await slow.close();
  });
});

describe('hotjar-flow run, interrupted', () => {
  it('exits 130 at once on SIGINT, even while waiting out a long Retry-After', async () => {
    const slow = await startEmulator({ surveys: 1, responses: 500 });
    slow.addFault('status=429,at=2,path=/responses,retry_after=30');
    const file = flowFile('interrupted');
    writeFileSync(file, readFileSync(file, 'utf8').replace(emulator.url, slow.url));
    const child = spawn(
      process.execPath,
      [BIN, 'run', file, '--json', '--data-dir', join(dir, 'int-data')],
      {
        env: {
          ...process.env,
          HJ_ID: slow.clientId,
          HJ_SECRET: slow.clientSecret,
          HOTJAR_FLOW_LOG_LEVEL: 'warn',
        },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const signalled = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    await slow.close();

    expect(code).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect((JSON.parse(stdout) as { error: { code: string } }).error.code).toBe('RUN_CANCELLED');
  });
});

describe('hotjar-flow validate', () => {
  it('exits 0 for a valid file', async () => {
    const result = await runCli(['validate', flowFile('valid')], { env });
    expect(result.code).toBe(0);
  });

  it('lists every error as {code, path, message} with --json and exits 2', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(
      file,
      'version: 1\nname: x\nsource: { type: hotjar, credential: none-such, template: survey_responses, params: { colour: 1 } }\ndestination: { type: sqlite, path: x.db, table: t, write: sideways }\n',
    );

    const result = await runCli(['validate', file, '--json']);

    expect(result.code).toBe(2);
    const issues = JSON.parse(result.stdout) as { code: string; path: string; message: string }[];
    expect(issues.map((i) => i.path)).toContain('destination.write');
  });

  it('checks template parameters, naming the unknown one', async () => {
    const file = join(dir, 'params.yaml');
    writeFileSync(
      file,
      'version: 1\nname: x\nsource: { type: hotjar, credential: { type: none }, template: survey_responses, params: { colour: 1 } }\ndestination: { type: sqlite, path: x.db, table: t }\n',
    );

    const result = await runCli(['validate', file, '--json']);

    expect(result.code).toBe(2);
    const paths = (JSON.parse(result.stdout) as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['source.params.colour', 'source.params.site_id']),
    );
  });
});

describe('hotjar-flow templates, test and state', () => {
  it('lists the templates with their parameters as JSON', async () => {
    const result = await runCli(['templates', '--json']);

    const templates = JSON.parse(result.stdout) as {
      name: string;
      params: Record<string, unknown>;
    }[];
    expect(templates.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'survey_responses',
        'survey_answers',
        'list_surveys',
        'get_survey',
        'survey_questions',
      ]),
    );
    expect(templates.find((t) => t.name === 'survey_responses')?.params).toHaveProperty('site_id');
  });

  it('test shows samples, a schema and the request log, writes nothing and masks secrets', async () => {
    const file = flowFile('tested');
    const result = await runCli(
      ['test', file, '--json', '--limit', '3', '--data-dir', join(dir, 'data')],
      { env },
    );

    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as {
      samples: unknown[];
      schema: Record<string, unknown>;
      requests: { url: string; status: number }[];
    };
    expect(out.samples).toHaveLength(3);
    expect(out.schema).toHaveProperty('id');
    expect(out.requests.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout + result.stderr).not.toContain(emulator.clientSecret);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'tested.db'))).toBe(false);
  });

  it('state show lists one bookmark per survey and state reset clears them', async () => {
    const file = flowFile('stateful');
    await runCli(['run', file, '--data-dir', join(dir, 'data')], { env });

    const shown = JSON.parse(
      (await runCli(['state', 'show', file, '--data-dir', join(dir, 'data')], { env })).stdout,
    ) as { partitions: Record<string, unknown> };
    expect(Object.keys(shown.partitions)).toHaveLength(2);

    const reset = await runCli(['state', 'reset', file, '--data-dir', join(dir, 'data')], { env });
    expect(reset.code).toBe(0);
    const after = JSON.parse(
      (await runCli(['state', 'show', file, '--data-dir', join(dir, 'data')], { env })).stdout,
    ) as { partitions: Record<string, unknown> };
    expect(after.partitions).toEqual({});
  });
});

describe('hotjar-flow start', () => {
  it('loads exactly the emulator demo site responses into the SQLite file and says where they are', async () => {
    const db = join(dir, 'demo', 'hotjar.db');
    const result = await runCli(
      ['start', '--once', '--db', db, '--data-dir', join(dir, 'demo-data')],
      { env: { HOTJAR_CLIENT_ID: '', HOTJAR_CLIENT_SECRET: '' } },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(db);
    expect(result.stdout).toContain('SELECT');
    const reference = await startEmulator();
    const { allResponseIds } = await import('../engine/test-support/run-against-emulator.js');
    const expected = await allResponseIds(reference);
    await reference.close();
    expect(
      readRows(db, 'survey_responses')
        .map((r) => String(r['id']))
        .sort(),
    ).toEqual(expected);
  });
});

describe('hotjar-flow start without --once', () => {
  it('keeps serving the API after the demo run, until Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'start',
        '--port',
        '0',
        '--db',
        join(dir, 'serving', 'hotjar.db'),
        '--data-dir',
        join(dir, 'serving-data'),
      ],
      {
        env: {
          ...process.env,
          HOTJAR_CLIENT_ID: '',
          HOTJAR_FLOW_LOG_LEVEL: 'warn',
          HOTJAR_FLOW_ADMIN_PASSWORD: 'a-long-password-for-tests',
        },
      },
    );
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('{"url"'));
        if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.on('close', () => reject(new Error(`start ended early: ${stdout}`)));
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );

    expect(stdout).toContain('survey_responses');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
