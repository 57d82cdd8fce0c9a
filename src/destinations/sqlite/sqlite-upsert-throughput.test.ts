import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FlowRecord } from '../destination.js';
import { quoteIdentifier } from './quote-identifier.js';
import { SqliteDestination } from './sqlite-destination.js';

/**
 * A measurement, not a limit: it prints records per second for the destination and for the
 * simplest hand-written loop (one prepared upsert per record, one transaction per page), and
 * asserts only that both produce the same table.
 */
const RECORDS = 10_000;
const PAGE = 100;
const ROUNDS = 3;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-sqlite-measure-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function hotjarResponse(n: number): FlowRecord {
  return {
    id: String(100_000_000 + n),
    created_time: new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString(),
    is_complete: n % 4 !== 0,
    device: ['desktop', 'mobile', 'tablet'][n % 3],
    browser: 'Chrome',
    os: 'Windows',
    country: 'FR',
    hotjar_user_id: `user-${n % 997}`,
    response_origin_url: `https://shop.example.com/checkout?step=${n % 5}`,
    recording_url: n % 2 === 0 ? null : `https://insights.hotjar.com/r?id=${n}`,
    user_attributes: [{ name: 'plan', value: n % 2 === 0 ? 'pro' : 'free' }],
    answers: [
      {
        question_id: 11,
        answer: `Très pratique, merci 😀 #${n}`,
        comment: null,
        tags: [],
        sentiment: 'positive',
      },
      {
        question_id: 12,
        answer: String(n % 10),
        comment: null,
        tags: [{ name: 'nps' }],
        sentiment: null,
      },
    ],
    site_id: 1234567,
    survey_id: 42 + (n % 3),
  };
}

const records = Array.from({ length: RECORDS }, (_, n) => hotjarResponse(n));
const fields = Object.keys(records[0] ?? {});

async function measureDestination(path: string): Promise<number> {
  const destination = new SqliteDestination({ path, table: 'responses' });
  await destination.open({ flow: 'measure', runId: 'run', write: 'upsert', primaryKey: ['id'] });
  const started = performance.now();
  for (let start = 0; start < RECORDS; start += PAGE) {
    await destination.write({
      records: records.slice(start, start + PAGE),
      state: [{ partition: 'all', value: start }],
    });
  }

  const elapsed = performance.now() - started;
  await destination.close();
  return elapsed;
}

function measureHandLoop(path: string): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const columns = fields.map(quoteIdentifier).join(', ');
  db.exec(`CREATE TABLE responses (${columns}, _hf_run_id, _hf_loaded_at)`);
  db.exec('CREATE UNIQUE INDEX responses_id ON responses (id)');
  db.exec('CREATE TABLE state (k PRIMARY KEY, v)');
  const updates = [...fields.slice(1), '_hf_run_id', '_hf_loaded_at'].map(
    (c) => `${quoteIdentifier(c)} = excluded.${quoteIdentifier(c)}`,
  );
  const upsert = db.prepare(
    `INSERT INTO responses VALUES (${fields.map(() => '?').join(', ')}, ?, ?)
      ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
  );
  const saveState = db.prepare('INSERT OR REPLACE INTO state VALUES (?, ?)');
  const page = db.transaction((batch: FlowRecord[], position: number) => {
    const loadedAt = new Date().toISOString();
    for (const record of batch) {
      const values = fields.map((field) => {
        const value = record[field];
        if (typeof value === 'boolean') return value ? 1 : 0;
        return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
      });
      upsert.run(...values, 'run', loadedAt);
    }
    saveState.run('all', JSON.stringify(position));
  });

  const started = performance.now();
  for (let start = 0; start < RECORDS; start += PAGE)
    page(records.slice(start, start + PAGE), start);
  const elapsed = performance.now() - started;
  db.close();
  return elapsed;
}

function content(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    const columns = fields.map(quoteIdentifier).join(', ');
    return db.prepare(`SELECT ${columns} FROM responses ORDER BY id`).raw().all();
  } finally {
    db.close();
  }
}

describe('SQLite upsert throughput (measured, not asserted)', () => {
  it('writes the same table as a hand-written upsert loop, and reports both speeds', async () => {
    const ours: number[] = [];
    const hand: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      ours.push(await measureDestination(join(dir, `ours-${round}.db`)));
      hand.push(measureHandLoop(join(dir, `hand-${round}.db`)));
    }

    expect(content(join(dir, 'ours-0.db'))).toEqual(content(join(dir, 'hand-0.db')));

    const best = (times: number[]) => Math.min(...times);
    const rate = (ms: number) => Math.round((RECORDS / ms) * 1000);
    const ratio = best(hand) / best(ours);
    console.info(
      `sqlite upsert, ${RECORDS} records in pages of ${PAGE}: destination ${rate(best(ours))}/s, ` +
        `hand-written loop ${rate(best(hand))}/s, ratio ${ratio.toFixed(2)}x`,
    );
  });
});
