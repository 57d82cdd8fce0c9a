import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BIN, runCli, type CliResult } from '../cli/test-support/cli-process.js';
import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { readRows, tempDir } from './test-support/run-against-emulator.js';

/**
 * Kills the real CLI process with SIGKILL at seeded points (before a write, inside the
 * transaction, after a commit, between pages), then reruns it: the table must equal a clean run's
 * — nothing lost, nothing twice — for full and incremental runs in append mode.
 */
const POINTS = ['before-write', 'in-transaction', 'after-commit', 'between-pages'] as const;
const KILLS_PER_POINT = 7;

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  if (!existsSync(join(BIN, '../../dist/cli/main.js')))
    throw new Error('build first: npm run build');
  emulator = await startEmulator({ surveys: 4, responses: 550, seed: 7 });
  dir = tempDir('hf-crash-');
});

afterAll(async () => {
  await emulator.close();
});

/** `hotjar-flow run FLOW --json`, with an optional seeded kill point. */
function runFlowCli(flowFile: string, dataDir: string, crashAt?: string): Promise<CliResult> {
  const env = {
    HJ_ID: emulator.clientId,
    HJ_SECRET: emulator.clientSecret,
    HOTJAR_FLOW_CRASH_AT: crashAt ?? '',
  };
  return runCli(['run', flowFile, '--json', '--data-dir', dataDir], { env });
}

function writeFlow(dbPath: string, name: string, destination?: string): string {
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
      '  concurrency: 2',
      destination ??
        `destination: { type: sqlite, path: "${dbPath}", table: responses, write: append }`,
    ].join('\n'),
  );
  return file;
}

function jsonlIds(path: string): string[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  return lines.map((line) => String((JSON.parse(line) as { id: unknown }).id)).sort();
}

function ids(dbPath: string): string[] {
  return readRows(dbPath, 'responses')
    .map((row) => String(row['id']))
    .sort();
}

/** A small seeded generator, so the kill points are the same on every machine. */
function killPoints(seed: number, maxPass: number): { point: string; n: number }[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return POINTS.flatMap((point) =>
    Array.from({ length: KILLS_PER_POINT }, () => ({ point, n: 1 + Math.floor(next() * maxPass) })),
  );
}

async function crashThenRerun(
  flowFile: string,
  dataDir: string,
  crashAt: string,
): Promise<{ killed: boolean; rerun: CliResult }> {
  const crashed = await runFlowCli(flowFile, dataDir, crashAt);
  const rerun = await runFlowCli(flowFile, dataDir);
  return { killed: crashed.signal === 'SIGKILL', rerun };
}

describe('crash recovery through the CLI', () => {
  it('a full run killed at any of 28 seeded points, then rerun, equals a clean run', async () => {
    const clean = join(dir, 'clean-full.db');
    const cleanRun = await runFlowCli(writeFlow(clean, 'crash-full'), join(dir, 'clean-data'));
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    const expected = ids(clean);
    expect(expected).toHaveLength(2200);

    let killed = 0;
    for (const [i, { point, n }] of killPoints(11, 24).entries()) {
      const db = join(dir, `full-${i}.db`);
      const { killed: wasKilled, rerun } = await crashThenRerun(
        writeFlow(db, 'crash-full'),
        join(dir, `data-full-${i}`),
        `${point}:${n}`,
      );
      if (wasKilled) killed += 1;

      expect(rerun.code, `${point}:${n} ${rerun.stderr}`).toBe(0);
      expect(ids(db), `${point}:${n}`).toEqual(expected);
    }
    expect(killed).toBeGreaterThanOrEqual(24);
  }, 240_000);

  it('an incremental run killed at any of 28 seeded points, then rerun, equals a clean incremental run', async () => {
    const base = join(dir, 'base.db');
    const baseRun = await runFlowCli(writeFlow(base, 'crash-inc'), join(dir, 'base-data'));
    expect(baseRun.code, baseRun.stderr).toBe(0);

    emulator.addResponses(330);
    const clean = join(dir, 'clean-inc.db');
    copyFileSync(base, clean);
    const cleanRun = await runFlowCli(writeFlow(clean, 'crash-inc'), join(dir, 'clean-inc-data'));
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    const expected = ids(clean);
    expect(expected).toHaveLength(2200 + 330);

    let killed = 0;
    for (const [i, { point, n }] of killPoints(23, 6).entries()) {
      const db = join(dir, `inc-${i}.db`);
      copyFileSync(base, db);
      const { killed: wasKilled, rerun } = await crashThenRerun(
        writeFlow(db, 'crash-inc'),
        join(dir, `data-inc-${i}`),
        `${point}:${n}`,
      );
      if (wasKilled) killed += 1;

      expect(rerun.code, `${point}:${n} ${rerun.stderr}`).toBe(0);
      expect(ids(db), `${point}:${n}`).toEqual(expected);
    }
    expect(killed).toBeGreaterThanOrEqual(24);
  }, 240_000);

  it('a JSON Lines file, which cannot skip known keys, gets each record once after crashes mid-pass', async () => {
    const jsonl = (file: string): string =>
      `destination: { type: jsonl, path: "${file}", write: append }`;
    const flowFor = (file: string): string => writeFlow('', 'crash-jsonl', jsonl(file));
    const baseFile = join(dir, 'base.jsonl');
    const baseData = join(dir, 'jsonl-base-data');
    expect((await runFlowCli(flowFor(baseFile), baseData)).code).toBe(0);

    emulator.addResponses(240);
    const cleanFile = join(dir, 'clean.jsonl');
    copyFileSync(baseFile, cleanFile);
    cpSync(baseData, join(dir, 'jsonl-clean-data'), { recursive: true });
    const cleanRun = await runFlowCli(flowFor(cleanFile), join(dir, 'jsonl-clean-data'));
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    const expected = jsonlIds(cleanFile);
    expect(new Set(expected).size).toBe(expected.length);

    let killed = 0;
    for (const [i, { point, n }] of killPoints(5, 6)
      .filter((_, k) => k % 2 === 0)
      .entries()) {
      const file = join(dir, `inc-${i}.jsonl`);
      const data = join(dir, `jsonl-data-${i}`);
      copyFileSync(baseFile, file);
      cpSync(baseData, data, { recursive: true });
      // The state file names the data file it belongs to; point it at this copy.
      const stateFile = join(data, 'state', 'crash-jsonl.state.json');
      writeFileSync(
        stateFile,
        readFileSync(stateFile, 'utf8').replace(JSON.stringify(baseFile).slice(1, -1), file),
      );
      const { killed: wasKilled, rerun } = await crashThenRerun(
        flowFor(file),
        data,
        `${point}:${n}`,
      );
      if (wasKilled) killed += 1;

      expect(rerun.code, `${point}:${n} ${rerun.stderr}`).toBe(0);
      expect(jsonlIds(file), `${point}:${n}`).toEqual(expected);
    }
    expect(killed).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
