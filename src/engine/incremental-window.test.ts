import { describe, expect, it } from 'vitest';

import type { FlowRecord } from '../destinations/destination.js';
import type { IncrementalPlan } from '../source/source-plan.js';
import { IncrementalWindow, type PartitionState } from './incremental-window.js';

const desc: IncrementalPlan = { cursorField: 'at', order: 'desc', lookbackMs: 0, paramIn: 'query' };

function rec(id: number, minute: number): FlowRecord {
  return { id, at: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString() };
}

/** Plays one pass over newest-first pages, stopping after `pagesBeforeCrash` pages. */
function pass(
  pages: FlowRecord[][],
  saved: unknown,
  pagesBeforeCrash = Infinity,
): { written: number[]; state: PartitionState | undefined } {
  const window = new IncrementalWindow(desc, saved, { primaryKey: ['id'], rememberWindow: true });
  const written: number[] = [];
  let state: PartitionState | undefined;
  for (const [index, page] of pages.entries()) {
    if (index >= pagesBeforeCrash) return { written, state };
    const reached = window.reached(page);
    written.push(...window.filter(page).map((r) => r['id'] as number));
    state = window.progress();
    if (reached) break;
  }
  return { written, state: window.completed() };
}

describe('IncrementalWindow, newest first', () => {
  const stream = [
    [rec(10, 10), rec(9, 9), rec(8, 8)],
    [rec(7, 7), rec(6, 6), rec(5, 5)],
    [rec(4, 4), rec(3, 3)],
  ];

  it('takes everything on a first pass and keeps the newest as the bookmark', () => {
    const { written, state } = pass(stream, undefined);
    expect(written).toEqual([10, 9, 8, 7, 6, 5, 4, 3]);
    expect(state).toMatchObject({ cursor: rec(10, 10)['at'] });
  });

  it('keeps the old bookmark while a pass is unfinished and writes nothing twice on the rerun', () => {
    const first = pass(stream, undefined, 1);
    expect(first.state?.cursor).toBeUndefined();

    const arrivals = [
      [rec(12, 12), rec(11, 11), rec(10, 10)],
      [rec(9, 9), rec(8, 8), rec(7, 7)],
      [rec(6, 6), rec(5, 5), rec(4, 4)],
      [rec(3, 3)],
    ];
    const second = pass(arrivals, first.state, 2);
    const third = pass(arrivals, second.state);

    const all = [...first.written, ...second.written, ...third.written].sort((a, b) => a - b);
    expect(all).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(third.state).toMatchObject({ cursor: rec(12, 12)['at'] });
  });

  it('writes a record with the same instant as the last written one when it was on the next page', () => {
    const tie = [
      [rec(3, 5), rec(2, 4)],
      [rec(1, 4), rec(0, 1)],
    ];
    const first = pass(tie, undefined, 1);
    const second = pass(tie, first.state);
    expect([...first.written, ...second.written].sort()).toEqual([0, 1, 2, 3]);
  });

  it('stops at the first page that reaches the bookmark and reads ties at it again (>=)', () => {
    const saved = { cursor: rec(8, 8)['at'] };
    const window = new IncrementalWindow(desc, saved, { primaryKey: ['id'] });
    const page = [rec(11, 9), rec(8, 8), rec(12, 8), rec(7, 7)];
    expect(window.reached(page)).toBe(true);
    expect(window.filter(page).map((r) => r['id'])).toEqual([11, 8, 12]);
  });
});

describe('IncrementalWindow, ascending', () => {
  it('carries the bookmark in a request parameter, moved back by the lookback', () => {
    const plan: IncrementalPlan = {
      cursorField: 'at',
      order: 'asc',
      lookbackMs: 3_600_000,
      param: 'since',
      paramIn: 'query',
    };
    const window = new IncrementalWindow(plan, { cursor: '2026-01-02T00:00:00.000Z' });
    expect(window.requestExtra()).toEqual({ query: { since: '2026-01-01T23:00:00.000Z' } });
  });
});

describe('IncrementalWindow under repeated interruptions', () => {
  it('writes every record exactly once over 300 seeded histories of crashes and arrivals', () => {
    let seed = 12_345;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };

    for (let history = 0; history < 300; history++) {
      const records: FlowRecord[] = [];
      let nextId = 0;
      let minute = 0;
      const arrive = (n: number): void => {
        for (let i = 0; i < n; i++) {
          if (random() < 0.7) minute += 1; // ties are common
          records.push(rec(nextId++, minute));
        }
      };
      arrive(5 + Math.floor(random() * 30));

      const written: number[] = [];
      let saved: unknown;
      for (let run = 0; run < 6; run++) {
        const newestFirst = [...records].reverse();
        const size = 1 + Math.floor(random() * 5);
        const pages = Array.from({ length: Math.ceil(newestFirst.length / size) }, (_, i) =>
          newestFirst.slice(i * size, (i + 1) * size),
        );
        const crashAfter = run === 5 ? Infinity : Math.floor(random() * (pages.length + 1));
        const result = pass(pages, saved, crashAfter);
        written.push(...result.written);
        if (result.state !== undefined) saved = result.state;
        arrive(Math.floor(random() * 4));
      }
      const final = pass(
        Array.from({ length: records.length }, (_, i) => [
          records[records.length - 1 - i] as FlowRecord,
        ]),
        saved,
      );
      written.push(...final.written);

      expect(
        written.sort((a, b) => a - b),
        `history ${history}`,
      ).toEqual(records.map((r) => r['id']));
    }
  });
});
