import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError } from '../errors/errors.js';
import { emulatorOptionsFromFlags } from './emulator-command.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}bin/hotjar-flow.js`;

interface Connection {
  url: string;
  client_id: string;
  client_secret: string;
  organization_id: string;
  site_id: string;
}

const children: ChildProcess[] = [];

function spawnEmulator(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [bin, 'emulator', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

async function start(
  args: string[] = [],
): Promise<{ child: ChildProcess; connection: Connection }> {
  const child = spawnEmulator(args);
  const connection = JSON.parse(await firstLine(child)) as Connection;
  return { child, connection };
}

async function token(connection: Connection): Promise<string> {
  const response = await fetch(`${connection.url}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: connection.client_id,
      client_secret: connection.client_secret,
    }).toString(),
  });
  return String(((await response.json()) as { access_token: string }).access_token);
}

async function getText(url: string, bearer: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: response.status, text: await response.text() };
}

/** Survey list, then every page of the first survey's responses, as raw text. */
async function transcript(connection: Connection): Promise<string[]> {
  const bearer = await token(connection);
  const surveysUrl = `${connection.url}/v1/sites/${connection.site_id}/surveys`;
  const surveys = await getText(`${surveysUrl}?limit=100&with_questions=true`, bearer);
  const first = (JSON.parse(surveys.text) as { results: { id: string | number }[] }).results[0]!;
  const out = [surveys.text.replaceAll(connection.url, 'ORIGIN')];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const page = await getText(`${surveysUrl}/${first.id}/responses?limit=100${query}`, bearer);
    out.push(page.text);
    cursor = (JSON.parse(page.text) as { next_cursor: string | null }).next_cursor;
  } while (cursor !== null);

  return out;
}

beforeAll(() => {
  if (!existsSync(`${root}dist/cli/main.js`)) {
    execSync('npm run build --silent', { cwd: root, stdio: 'ignore' });
  }
});

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

describe('hotjar-flow emulator (the compiled command)', () => {
  it('prints the connection details as its first stdout line, and they work', async () => {
    const { connection } = await start(['--responses', '5']);

    expect(Object.keys(connection)).toEqual([
      'url',
      'client_id',
      'client_secret',
      'organization_id',
      'site_id',
    ]);
    expect(connection.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(connection.client_secret).toMatch(/^[A-Za-z0-9_-]+$/);
    const answer = await getText(
      `${connection.url}/v1/sites/${connection.site_id}/surveys`,
      await token(connection),
    );
    expect(answer.status).toBe(200);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('stops on %s with exit code 0', async (signal) => {
    const { child } = await start(['--responses', '1']);
    const exit = exitOf(child);

    child.kill(signal);

    expect((await exit).code).toBe(0);
  });

  it('gives byte-identical pages, cursors included, in two processes with one seed', async () => {
    const [a, b] = await Promise.all([start(['--seed', '7']), start(['--seed', '7'])]);
    const c = await start(['--seed', '8']);

    const [one, two, other] = await Promise.all([a, b, c].map((e) => transcript(e.connection)));

    expect(one).toHaveLength(4);
    expect(two).toEqual(one);
    expect(other?.[1]).not.toEqual(one?.[1]);
  });

  it('applies --fault and --rate-limit', async () => {
    const { connection } = await start([
      '--responses',
      '1',
      '--fault',
      'status=503,at=1',
      '--rate-limit',
      '3',
    ]);
    const bearer = await token(connection);
    const url = `${connection.url}/v1/sites/${connection.site_id}/surveys`;

    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await getText(url, bearer)).status);

    expect(statuses).toEqual([503, 200, 429]);
  });

  it.each([
    [['--responses', 'many'], '--responses'],
    [['--retry-after', 'soon'], '--retry-after'],
    [['--fault', 'status=500,colour=red'], 'colour'],
    [['--rate-limit', '-5'], '--rate-limit'],
    [['--colour', 'red'], 'colour'],
  ])('exits with 2 and names the problem for %j', async (args, mention) => {
    const child = spawnEmulator(args);

    const { code, stderr } = await exitOf(child);

    expect(code).toBe(2);
    expect(stderr).toContain(mention);
  });
});

describe('emulatorOptionsFromFlags', () => {
  const defaults = { port: '0', host: '127.0.0.1', seed: '1', rateLimit: '3000', fault: [] };

  it('converts flags to emulator options', () => {
    const options = emulatorOptionsFromFlags({
      ...defaults,
      rateLimit: 'off',
      lookupStatus: '204',
      fault: ['status=429,at=3,retry_after=2'],
    });

    expect(options).toEqual({
      port: 0,
      host: '127.0.0.1',
      seed: 1,
      rateLimit: null,
      lookupStatus: 204,
      faults: [{ status: 429, at: 3, retryAfter: '2' }],
    });
  });

  it('lists every bad flag in one ConfigError', () => {
    const run = (): unknown =>
      emulatorOptionsFromFlags({ ...defaults, seed: 'x', plan: 'gold', fault: ['at=1'] });

    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (error) {
      expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
        '--seed',
        '--plan',
        '--fault fault.status',
      ]);
    }
  });
});
