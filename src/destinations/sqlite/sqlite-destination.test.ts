import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DestinationError } from '../../errors/errors.js';
import type { FlowRecord, OpenContext, WriteMode } from '../destination.js';
import { SqliteDestination } from './sqlite-destination.js';

let dir: string;
let path: string;
const opened: SqliteDestination[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-sqlite-'));
  path = join(dir, 'nested', 'dir', 'out.db');
});

afterEach(async () => {
  for (const destination of opened.splice(0)) await destination.close();
  await rm(dir, { recursive: true, force: true });
});

function context(write: WriteMode, primaryKey: string[] = ['id'], runId = 'run-1'): OpenContext {
  return { flow: 'survey-responses', runId, write, primaryKey };
}

async function openNew(
  ctx: OpenContext,
  options: { table?: string; logLines?: string[] } = {},
): Promise<SqliteDestination> {
  const lines = options.logLines;
  const logger =
    lines === undefined
      ? undefined
      : pino(
          { level: 'debug' },
          new Writable({
            write(chunk: Buffer, _encoding, done) {
              lines.push(chunk.toString('utf8'));
              done();
            },
          }),
        );
  const destination = new SqliteDestination({
    path,
    table: options.table ?? 'responses',
    ...(logger === undefined ? {} : { logger }),
  });
  opened.push(destination);
  await destination.open(ctx);
  return destination;
}

function query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(sql)
      .safeIntegers(true)
      .all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('SqliteDestination', () => {
  it('updates a stored row when upsert meets its key again', async () => {
    const destination = await openNew(context('upsert'));
    const first = await destination.write({ records: [{ id: 'a', answer: 'draft', n: 1 }] });
    const second = await destination.write({ records: [{ id: 'a', answer: 'final', n: 2 }] });
    await destination.commit();

    expect(first.written).toBe(1);
    expect(second.written).toBe(1);
    expect(query('SELECT id, answer, n FROM responses')).toEqual([
      { id: 'a', answer: 'final', n: 2n },
    ]);
  });

  it('refuses upsert without a primary key when it opens', async () => {
    const opening = openNew(context('upsert', []));
    await expect(opening).rejects.toBeInstanceOf(DestinationError);
    await expect(opening).rejects.toThrow(/upsert .* needs a primary key/);
  });

  it('skips an appended record whose key is already stored and counts only real inserts', async () => {
    const destination = await openNew(context('append'));
    await destination.write({ records: [{ id: 'a', answer: 'first' }] });
    const result = await destination.write({
      records: [
        { id: 'a', answer: 'second' },
        { id: 'b', answer: 'new' },
      ],
    });
    await destination.commit();

    expect(result.written).toBe(1);
    expect(query('SELECT id, answer FROM responses ORDER BY id')).toEqual([
      { id: 'a', answer: 'first' },
      { id: 'b', answer: 'new' },
    ]);
  });

  it('appends duplicates when the source has no primary key', async () => {
    const destination = await openNew(context('append', []));
    await destination.write({ records: [{ id: 'a' }, { id: 'a' }] });

    expect(query('SELECT count(*) AS n FROM responses')).toEqual([{ n: 2n }]);
  });

  it('adds a column for a new field and logs it once', async () => {
    const logLines: string[] = [];
    const destination = await openNew(context('append'), { logLines });
    await destination.write({ records: [{ id: 'a', answer: 'x' }] });
    await destination.write({ records: [{ id: 'b', answer: 'y', country: 'FR' }] });
    await destination.write({ records: [{ id: 'c', country: 'DE' }] });

    const columns = query<{ name: string }>('SELECT name FROM pragma_table_info(?)', 'responses');
    expect(columns.map((column) => column.name)).toEqual([
      'id',
      'answer',
      '_hf_run_id',
      '_hf_loaded_at',
      'country',
    ]);
    expect(query('SELECT id, answer, country FROM responses ORDER BY id')).toEqual([
      { id: 'a', answer: 'x', country: null },
      { id: 'b', answer: 'y', country: 'FR' },
      { id: 'c', answer: null, country: 'DE' },
    ]);
    expect(logLines.filter((line) => line.includes('"column added"'))).toHaveLength(1);
  });

  it('keeps each value in its storage class and nested values as JSON text', async () => {
    const destination = await openNew(context('append'));
    const record = {
      id: 'a',
      count: 42,
      ratio: 0.5,
      complete: true,
      partial: false,
      recording_url: null,
      answers: [{ question_id: 7, answer: 'oui', tags: [{ name: 'ux' }] }],
      window_size: { width: 1280, height: 800 },
    };
    await destination.write({ records: [record] });

    const [types] = query(
      `SELECT typeof(count) AS count, typeof(ratio) AS ratio, typeof(complete) AS complete,
        typeof(recording_url) AS recording_url, typeof(answers) AS answers FROM responses`,
    );
    expect(types).toEqual({
      count: 'integer',
      ratio: 'real',
      complete: 'integer',
      recording_url: 'null',
      answers: 'text',
    });
    const [row] = query<Record<string, unknown>>(
      `SELECT complete, partial, answers, window_size, answers ->> '$[0].tags[0].name' AS tag
        FROM responses`,
    );
    expect(row).toEqual({
      complete: 1n,
      partial: 0n,
      answers: JSON.stringify(record.answers),
      window_size: '{"width":1280,"height":800}',
      tag: 'ux',
    });
  });

  it('stores integers beyond 2^53 exactly: INTEGER inside int64, digits as TEXT beyond', async () => {
    const destination = await openNew(context('append'));
    const inside = 9_007_199_254_740_993n;
    const maxInt64 = 9_223_372_036_854_775_807n;
    const beyond = 123_456_789_012_345_678_901_234_567_890n;
    await destination.write({
      records: [{ id: 'a', inside, maxInt64, beyond, nested: { beyond, list: [inside] } }],
    });

    const [row] = query(
      `SELECT inside, typeof(inside) AS t1, maxInt64, beyond, typeof(beyond) AS t2, nested
        FROM responses`,
    );
    expect(row).toEqual({
      inside,
      t1: 'integer',
      maxInt64,
      beyond: '123456789012345678901234567890',
      t2: 'text',
      nested: '{"beyond":123456789012345678901234567890,"list":[9007199254740993]}',
    });
  });

  it('stores unicode as the exact UTF-8 bytes of the input (D1)', async () => {
    const text = 'Привет 你好 déjà مرحبا e\u0301 😀👍🏽 𝄞';
    const destination = await openNew(context('append'));
    await destination.write({ records: [{ id: 'a', answer: text, nested: { text } }] });

    const [row] = query<{ bytes: Buffer; nested: string }>(
      'SELECT CAST(answer AS BLOB) AS bytes, nested FROM responses',
    );
    expect(row?.bytes).toEqual(Buffer.from(text, 'utf8'));
    expect(JSON.parse(row?.nested ?? '')).toEqual({ text });
  });

  it('rolls back rows already inserted when a later record of the batch fails (S2)', async () => {
    const destination = await openNew(context('append'));
    await destination.write({ records: [{ id: 'x' }], state: [{ partition: 'p', value: 1 }] });

    const batch: FlowRecord[] = Array.from({ length: 100 }, (_, n) => ({ id: `r${n}` }));
    batch[90] = { id: 'bad', answer: Symbol('not data') };
    const failing = destination.write({ records: batch, state: [{ partition: 'p', value: 2 }] });
    await expect(failing).rejects.toThrow(DestinationError);

    expect(query('SELECT id FROM responses')).toEqual([{ id: 'x' }]);
    expect(await destination.readState()).toEqual(new Map([['p', 1]]));
  });

  it('rolls back the rows when the state of the batch cannot be saved (S2)', async () => {
    const destination = await openNew(context('append'));
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;

    const failing = destination.write({
      records: [{ id: 'a' }, { id: 'b' }],
      state: [{ partition: 'p', value: circular }],
    });
    await expect(failing).rejects.toThrow(DestinationError);

    expect(query('SELECT count(*) AS n FROM responses')).toEqual([{ n: 0n }]);
    expect((await destination.readState()).size).toBe(0);
  });

  it('fails a write on a closed database without leaving state behind', async () => {
    const destination = await openNew(context('append'));
    await destination.write({ records: [{ id: 'a' }], state: [{ partition: 'p', value: 1 }] });
    await destination.close();

    await expect(destination.write({ records: [{ id: 'b' }] })).rejects.toThrow(/not open/);
    const reopened = await openNew(context('append'));
    expect(await reopened.readState()).toEqual(new Map([['p', 1]]));
  });

  it('keeps one state row per partition, replaced on every save (S3)', async () => {
    const destination = await openNew(context('append'));
    for (const round of [1, 2, 3]) {
      const state = ['s1', 's2', 's3'].map((partition) => ({ partition, value: { round } }));
      await destination.write({ records: [{ id: `r${round}` }], state });
    }
    await destination.commit([{ partition: 's2', value: { round: 4 } }]);

    const rows = query<{ partition: string; value: string }>(
      'SELECT partition, value FROM _hf_state WHERE flow = ? ORDER BY partition',
      'survey-responses',
    );
    expect(rows).toEqual([
      { partition: 's1', value: '{"round":3}' },
      { partition: 's2', value: '{"round":4}' },
      { partition: 's3', value: '{"round":3}' },
    ]);
  });

  it('serves the old table to another connection while a replace is staged', async () => {
    const first = await openNew(context('replace'));
    await first.write({ records: [{ id: 'a' }, { id: 'b' }] });
    await first.commit();
    await first.close();

    const second = await openNew(context('replace', ['id'], 'run-2'));
    await second.write({ records: [{ id: 'c' }] });
    expect(query('SELECT id FROM responses ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }]);
    await second.abort();

    const tables = query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`);
    expect(tables.map((table) => table.name).sort()).toEqual(['_hf_state', 'responses']);
    expect(query('SELECT id FROM responses ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('keeps the key index across repeated replace runs and de-duplicates inside one', async () => {
    for (const run of ['run-1', 'run-2']) {
      const destination = await openNew(context('replace', ['id'], run));
      await destination.write({ records: [{ id: 'a', v: run }] });
      await destination.write({
        records: [
          { id: 'a', v: `${run}-late` },
          { id: 'b', v: run },
        ],
      });
      await destination.commit();
      await destination.close();
    }

    expect(query('SELECT id, v FROM responses ORDER BY id')).toEqual([
      { id: 'a', v: 'run-2-late' },
      { id: 'b', v: 'run-2' },
    ]);
    const indexes = query<{ name: string }>(`SELECT name FROM pragma_index_list('responses')`);
    expect(indexes.map((index) => index.name)).toEqual(['_hf_key_responses']);
  });

  it('empties the table when a replace run commits without records', async () => {
    const first = await openNew(context('replace'));
    await first.write({ records: [{ id: 'a' }] });
    await first.commit();
    await first.close();

    const second = await openNew(context('replace', ['id'], 'run-2'));
    await second.commit();
    expect(query('SELECT count(*) AS n FROM responses')).toEqual([{ n: 0n }]);
  });

  it('keeps one row for an ID sent once as a number and once as text', async () => {
    const destination = await openNew(context('upsert', ['id']));
    await destination.write({
      records: [
        { id: 1, v: 'first' },
        { id: 2, v: 'two' },
      ],
    });
    await destination.write({
      records: [
        { id: '1', v: 'second' },
        { id: 2n, v: 'again' },
      ],
    });

    expect(query('SELECT id, v FROM responses ORDER BY id')).toEqual([
      { id: '1', v: 'second' },
      { id: '2', v: 'again' },
    ]);
  });

  it('accepts any field and table name: quotes, spaces, SQL words, unicode', async () => {
    const record = {
      'a"b': 1,
      'with space': 2,
      select: 3,
      'x"); DROP TABLE responses; --': 4,
      ключ: 5,
      '😀': 6,
      '': 7,
      "it's": 8,
    };
    const destination = await openNew(context('upsert', ['a"b']), { table: 'weird "table" ✓' });
    await destination.write({ records: [record] });
    await destination.write({ records: [{ ...record, '😀': 60 }] });

    const [row] = query('SELECT * FROM "weird ""table"" ✓"');
    const { _hf_run_id: runId, _hf_loaded_at: loadedAt, ...fields } = row ?? {};
    // Key columns hold text, so one ID sent as 1 and as "1" stays one key.
    const expected = Object.entries({ ...record, '😀': 60 }).map(([k, v]) => [
      k,
      k === 'a"b' ? String(v) : BigInt(v),
    ]);
    expect(fields).toEqual(Object.fromEntries(expected));
    expect(runId).toBe('run-1');
    expect(typeof loadedAt).toBe('string');
  });

  it('refuses a field that differs from a column only by case', async () => {
    const destination = await openNew(context('append', []));
    await destination.write({ records: [{ id: 'a' }] });

    await expect(destination.write({ records: [{ ID: 'b' }] })).rejects.toThrow(/ignore case/);
    await expect(destination.write({ records: [{ _hf_run_id: 'b' }] })).rejects.toThrow(/reserved/);
  });

  it('writes batches of any size through the cached multi-row statements', async () => {
    const destination = await openNew(context('append'));
    let written = 0;
    for (const size of [150, 1, 63, 64, 65, 7]) {
      const batch = Array.from({ length: size }, (_, n) => ({ id: `${size}-${n}`, n }));
      written += (await destination.write({ records: batch })).written;
    }

    expect(written).toBe(350);
    expect(query('SELECT count(DISTINCT id) AS n FROM responses')).toEqual([{ n: 350n }]);
  });

  it('adds the key index to a table first written without a key', async () => {
    const plain = await openNew(context('append', []));
    await plain.write({ records: [{ id: 'a' }, { id: 'b' }] });
    await plain.close();

    const keyed = await openNew(context('append', ['id']));
    expect((await keyed.write({ records: [{ id: 'a' }, { id: 'c' }] })).written).toBe(1);
    expect(query('SELECT id FROM responses ORDER BY id')).toEqual([
      { id: 'a' },
      { id: 'b' },
      { id: 'c' },
    ]);
  });

  it('refuses a primary key that stored rows already repeat', async () => {
    const plain = await openNew(context('append', []));
    await plain.write({ records: [{ id: 'a' }, { id: 'a' }] });
    await plain.close();

    const opening = openNew(context('append', ['id']));
    await expect(opening).rejects.toThrow(DestinationError);
    await expect(opening).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it('follows a changed primary key, and drops the key index when the key is removed', async () => {
    const byId = await openNew(context('append', ['id']));
    await byId.write({ records: [{ id: 'a', other: '1' }] });
    await byId.close();

    const byOther = await openNew(context('append', ['other']));
    expect((await byOther.write({ records: [{ id: 'b', other: 1 }] })).written).toBe(0);
    await byOther.close();

    const indexColumns = query<{ name: string }>(
      `SELECT name FROM pragma_index_info('_hf_key_responses')`,
    );
    expect(indexColumns).toEqual([{ name: 'other' }]);

    const unkeyed = await openNew(context('append', []));
    expect((await unkeyed.write({ records: [{ id: 'a', other: 1 }] })).written).toBe(1);
    expect(query(`SELECT name FROM pragma_index_list('responses')`)).toEqual([]);
  });
});
