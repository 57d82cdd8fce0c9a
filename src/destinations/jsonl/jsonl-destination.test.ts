import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DestinationError } from '../../errors/errors.js';
import type { OpenContext, WriteMode } from '../destination.js';
import { JsonlDestination } from './jsonl-destination.js';
import {
  jsonlStatePath,
  readJsonlState,
  resetJsonlState,
  type JsonlState,
} from './jsonl-state-file.js';

let dir: string;
let stateDir: string;
const opened: JsonlDestination[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-jsonl-'));
  stateDir = join(dir, 'state');
});

afterEach(async () => {
  for (const destination of opened.splice(0)) await destination.close();
  await rm(dir, { recursive: true, force: true });
});

function context(write: WriteMode, runId = 'run-1'): OpenContext {
  return { flow: 'survey-responses', runId, write, primaryKey: ['id'] };
}

async function readStateFile(): Promise<JsonlState> {
  const text = await readFile(jsonlStatePath(stateDir, 'survey-responses'), 'utf8');
  return JSON.parse(text) as JsonlState;
}

/** What a crash between an append and its commit leaves: the intent in the state, then bytes. */
async function crashedAppend(file: string, text: string): Promise<void> {
  const state = await readStateFile();
  const pending = { from: state.committed_bytes, bytes: Buffer.byteLength(text) + 10 };
  await writeFile(
    jsonlStatePath(stateDir, 'survey-responses'),
    JSON.stringify({ ...state, pending }),
  );
  await appendFile(file, text);
}

async function openNew(ctx: OpenContext, path = join(dir, 'out.jsonl')): Promise<JsonlDestination> {
  const destination = new JsonlDestination({ path, stateDir });
  opened.push(destination);
  await destination.open(ctx);
  return destination;
}

describe('JsonlDestination', () => {
  it('refuses upsert', async () => {
    const opening = openNew(context('upsert'));
    await expect(opening).rejects.toBeInstanceOf(DestinationError);
    await expect(opening).rejects.toThrow('jsonl supports append and replace');
  });

  it('cuts off bytes appended after the last committed state when it opens again', async () => {
    const path = join(dir, 'out.jsonl');
    const first = await openNew(context('append'));
    await first.write({ records: [{ id: 'a' }], state: [{ partition: 'p', value: 'a' }] });
    // A crash between the append of the next batch and its state write leaves this tail.
    await first.close();
    await crashedAppend(path, '{"id":"b"}\n{"id":"c", "trunc');

    const second = await openNew(context('append', 'run-2'));
    expect(await readFile(path, 'utf8')).toBe('{"id":"a"}\n');
    expect(await second.readState()).toEqual(new Map([['p', 'a']]));
    await second.write({ records: [{ id: 'b' }], state: [{ partition: 'p', value: 'b' }] });
    expect(await readFile(path, 'utf8')).toBe('{"id":"a"}\n{"id":"b"}\n');
  });

  it('keeps lines that something else appended to the file, and a restored copy', async () => {
    const path = join(dir, 'out.jsonl');
    const first = await openNew(context('append'));
    await first.write({ records: [{ id: 'a' }], state: [{ partition: 'p', value: 'a' }] });
    await first.close();
    await appendFile(path, '{"id":"from-another-flow"}\n');

    const second = await openNew(context('append', 'run-2'));
    await second.write({ records: [{ id: 'b' }], state: [{ partition: 'p', value: 'b' }] });
    await second.close();

    expect(await readFile(path, 'utf8')).toBe(
      '{"id":"a"}\n{"id":"from-another-flow"}\n{"id":"b"}\n',
    );
  });

  it('cuts off the crashed tail of the previous run’s file when the path changes per run', async () => {
    const pattern = join(dir, '{flow}-{run}.jsonl');
    const first = await openNew(context('append', 'r1'), pattern);
    await first.write({ records: [{ id: 'a' }], state: [{ partition: 'p', value: 1 }] });
    await first.close();
    const firstFile = join(dir, 'survey-responses-r1.jsonl');
    await crashedAppend(firstFile, '{"id":"uncommitted"}\n');

    const second = await openNew(context('append', 'r2'), pattern);
    await second.write({ records: [{ id: 'b' }], state: [{ partition: 'p', value: 2 }] });
    await second.commit();

    expect(await readFile(firstFile, 'utf8')).toBe('{"id":"a"}\n');
    expect(await readFile(join(dir, 'survey-responses-r2.jsonl'), 'utf8')).toBe('{"id":"b"}\n');
    const state = await readStateFile();
    expect(state).toEqual({
      file: join(dir, 'survey-responses-r2.jsonl'),
      committed_bytes: 11,
      entries: { p: 2 },
    });
  });

  it('cuts a failed append back to the committed size so the run can go on (S2)', async () => {
    const path = join(dir, 'out.jsonl');
    const destination = await openNew(context('append'));
    await destination.write({ records: [{ id: 'a' }], state: [{ partition: 'p', value: 'a' }] });

    // The state directory disappears: the append lands, the state write cannot.
    await rm(stateDir, { recursive: true });
    await writeFile(stateDir, 'not a directory');
    const failing = destination.write({
      records: [{ id: 'b' }],
      state: [{ partition: 'p', value: 'b' }],
    });
    await expect(failing).rejects.toBeInstanceOf(DestinationError);
    expect(await readFile(path, 'utf8')).toBe('{"id":"a"}\n');

    await rm(stateDir);
    await mkdir(stateDir);
    await destination.write({ records: [{ id: 'c' }], state: [{ partition: 'p', value: 'c' }] });
    expect(await readFile(path, 'utf8')).toBe('{"id":"a"}\n{"id":"c"}\n');
  });

  it('writes bigint as exact JSON integers, keys in record order, one object per line', async () => {
    const path = join(dir, 'out.jsonl');
    const destination = await openNew(context('append'));
    await destination.write({
      records: [
        { z: 1, id: 'a', big: 123456789012345678901234567890n, nested: { n: 2n ** 64n } },
        { id: 'b', text: 'line\nbreak 😀' },
      ],
    });

    expect(await readFile(path, 'utf8')).toBe(
      '{"z":1,"id":"a","big":123456789012345678901234567890,"nested":{"n":18446744073709551616}}\n' +
        '{"id":"b","text":"line\\nbreak 😀"}\n',
    );
  });

  it('expands {flow}, {run} and {date} in the path', async () => {
    const destination = await openNew(
      context('append', 'run/7'),
      join(dir, 'out', '{flow}', '{date}-{run}.jsonl'),
    );
    await destination.write({ records: [{ id: 'a' }] });

    const day = new Date().toISOString().slice(0, 10);
    const files = await readdir(join(dir, 'out', 'survey-responses'));
    expect(files).toEqual([`${day}-run_7.jsonl`]);
  });

  it('replaces the file only at commit and removes its temporary file on abort', async () => {
    const path = join(dir, 'out.jsonl');
    await writeFile(path, '{"id":"old"}\n');

    const aborted = await openNew(context('replace'));
    await aborted.write({ records: [{ id: 'new' }] });
    await aborted.abort();
    expect((await readdir(dir)).sort()).toEqual(['out.jsonl', 'state']);
    expect(await readFile(path, 'utf8')).toBe('{"id":"old"}\n');

    const committed = await openNew(context('replace', 'run-2'));
    await committed.write({ records: [{ id: 'n1' }] });
    await committed.write({ records: [{ id: 'n2' }] });
    await committed.commit([{ partition: 'all', value: 'done' }]);
    expect(await readFile(path, 'utf8')).toBe('{"id":"n1"}\n{"id":"n2"}\n');
    expect((await readdir(dir)).sort()).toEqual(['out.jsonl', 'state']);

    const state = await readStateFile();
    expect(state.committed_bytes).toBe((await stat(path)).size);
  });

  it('reads and resets a flow’s state for the command line', async () => {
    const destination = await openNew(context('append'));
    await destination.write({ records: [], state: [{ partition: 'p', value: 2n ** 60n }] });
    await destination.close();

    expect(await readJsonlState(stateDir, 'survey-responses')).toEqual(new Map([['p', 2n ** 60n]]));
    expect(await resetJsonlState(stateDir, 'survey-responses')).toBe(true);
    expect((await readJsonlState(stateDir, 'survey-responses')).size).toBe(0);
    expect(await resetJsonlState(stateDir, 'survey-responses')).toBe(false);
  });
});
