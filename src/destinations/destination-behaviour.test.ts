import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DestinationError } from '../errors/errors.js';
import type { Destination, FlowRecord, OpenContext, WriteMode } from './destination.js';
import { parseJsonExact } from '../json/exact-json.js';
import { JsonlDestination } from './jsonl/jsonl-destination.js';
import { SqliteDestination } from './sqlite/sqlite-destination.js';

/** What the shared suite needs to know about one kind of destination. */
interface Kind {
  name: string;
  create(dir: string): Destination;
  /** The committed, visible records, in write order, without our own columns. */
  rows(dir: string): Promise<FlowRecord[]>;
}

const kinds: Kind[] = [
  {
    name: 'sqlite',
    create: (dir) => new SqliteDestination({ path: join(dir, 'out.db'), table: 'responses' }),
    rows: (dir) => Promise.resolve(sqliteRows(join(dir, 'out.db'))),
  },
  {
    name: 'jsonl',
    create: (dir) =>
      new JsonlDestination({ path: join(dir, 'out.jsonl'), stateDir: join(dir, 'state') }),
    rows: async (dir) => {
      const text = await readFile(join(dir, 'out.jsonl'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => parseJsonExact(line) as FlowRecord);
    },
  },
];

function sqliteRows(path: string): FlowRecord[] {
  const db = new Database(path, { readonly: true });
  try {
    const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'responses'`).get();
    if (exists === undefined) return [];

    const rows = db.prepare('SELECT * FROM responses ORDER BY rowid').all() as FlowRecord[];
    return rows.map((row) =>
      Object.fromEntries(Object.entries(row).filter(([key]) => !key.startsWith('_hf_'))),
    );
  } finally {
    db.close();
  }
}

function context(write: WriteMode, runId = 'run-1'): OpenContext {
  return { flow: 'survey-responses', runId, write, primaryKey: ['id'] };
}

function records(...ids: number[]): FlowRecord[] {
  return ids.map((n) => ({ id: `r${n}`, answer: `answer ${n}` }));
}

describe.each(kinds)('$name destination', (kind) => {
  let dir: string;
  const opened: Destination[] = [];

  async function openNew(ctx: OpenContext): Promise<Destination> {
    const destination = kind.create(dir);
    opened.push(destination);
    await destination.open(ctx);
    return destination;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), `hf-${kind.name}-`));
  });

  afterEach(async () => {
    for (const destination of opened.splice(0)) await destination.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each record exactly once when a run dies after some batches and the next resumes', async () => {
    const first = await openNew(context('append'));
    expect((await first.readState()).size).toBe(0);
    await first.write({ records: records(1, 2), state: [{ partition: 's1', value: 'r2' }] });
    await first.write({ records: records(3, 4), state: [{ partition: 's1', value: 'r4' }] });
    // The run dies here: no commit, no close.

    const second = await openNew(context('append', 'run-2'));
    const state = await second.readState();
    expect(state.get('s1')).toBe('r4');
    await second.write({ records: records(5, 6), state: [{ partition: 's1', value: 'r6' }] });
    await second.commit();
    await second.close();

    const ids = (await kind.rows(dir)).map((row) => row['id']);
    expect(ids).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });

  it('leaves neither records nor state behind when a batch fails', async () => {
    const destination = await openNew(context('append'));
    await destination.write({ records: records(1), state: [{ partition: 's1', value: 'r1' }] });

    const circular: Record<string, unknown> = { text: 'loops' };
    circular['self'] = circular;
    const unwritable = { id: 'r3', answer: circular };
    const failing = destination.write({
      records: [...records(2), unwritable],
      state: [{ partition: 's1', value: 'r3' }],
    });
    await expect(failing).rejects.toBeInstanceOf(DestinationError);
    await destination.close();

    const reopened = await openNew(context('append', 'run-2'));
    expect((await reopened.readState()).get('s1')).toBe('r1');
    expect((await kind.rows(dir)).map((row) => row['id'])).toEqual(['r1']);
  });

  it('round-trips state values of every JSON kind, one entry per partition', async () => {
    const values = {
      bookmark: '2024-05-01T10:00:00.000Z',
      nested: { cursor: 'abc', pages: [1, 2, 3], done: false, none: null },
      huge: 12345678901234567890123n,
      'раздел 😀': 1.5,
    };
    const destination = await openNew(context('append'));
    await destination.write({ records: [], state: [{ partition: 'bookmark', value: 'old' }] });
    await destination.write({
      records: records(1),
      state: Object.entries(values).map(([partition, value]) => ({ partition, value })),
    });
    await destination.commit([{ partition: 'extra', value: 7 }]);
    await destination.close();

    const reopened = await openNew(context('append', 'run-2'));
    const state = await reopened.readState();
    expect(Object.fromEntries(state)).toEqual({ ...values, extra: 7 });
  });

  it('keeps the old data visible until a replace commits, and intact after an abort', async () => {
    const first = await openNew(context('replace'));
    await first.write({ records: records(1, 2) });
    await first.commit();
    await first.close();

    const aborted = await openNew(context('replace', 'run-2'));
    await aborted.write({ records: records(3) });
    expect((await kind.rows(dir)).map((row) => row['id'])).toEqual(['r1', 'r2']);
    await aborted.abort();
    await aborted.close();
    expect((await kind.rows(dir)).map((row) => row['id'])).toEqual(['r1', 'r2']);

    const third = await openNew(context('replace', 'run-3'));
    await third.write({ records: records(4, 5), state: [{ partition: 'all', value: 'done' }] });
    expect((await kind.rows(dir)).map((row) => row['id'])).toEqual(['r1', 'r2']);
    await third.commit();
    await third.close();
    expect((await kind.rows(dir)).map((row) => row['id'])).toEqual(['r4', 'r5']);

    const check = await openNew(context('append', 'run-4'));
    expect((await check.readState()).get('all')).toBe('done');
  });

  it('commits replace state only with the swap, never before', async () => {
    const destination = await openNew(context('replace'));
    await destination.write({ records: records(1), state: [{ partition: 'all', value: 'p1' }] });
    await destination.abort();
    await destination.close();

    const check = await openNew(context('append', 'run-2'));
    expect((await check.readState()).size).toBe(0);
  });

  it('writes unicode text byte for byte (D1)', async () => {
    const texts = [
      'Очень удобно, спасибо!',
      '非常好用，谢谢',
      'Très bien, déjà vu — à bientôt',
      'e\u0301 cafe\u0301 (combining marks)',
      'مرحبا بالعالم',
      '👩‍👩‍👧 family, 🎉 and 𝄞 (surrogate pairs)',
    ];
    const destination = await openNew(context('append'));
    await destination.write({ records: texts.map((answer, n) => ({ id: `r${n}`, answer })) });
    await destination.commit();
    await destination.close();

    const stored = (await kind.rows(dir)).map((row) => row['answer'] as string);
    expect(stored.map((text) => Buffer.from(text, 'utf8'))).toEqual(
      texts.map((text) => Buffer.from(text, 'utf8')),
    );
  });
});
