import { describe, expect, it } from 'vitest';

import { ResponseStore, type ResponseEntry, type ResponsePosition } from './response-store.js';

/** Ten base responses, one second apart, with indexes 3 and 4 sharing one creation time. */
function store(): ResponseStore {
  return new ResponseStore({
    baseCount: 10,
    baseCreatedMs: (index) => 100_000 - (index === 4 ? 3 : index) * 1000,
    userOf: (seq) => (seq % 3 === 0 ? 7 : null),
  });
}

function drain(target: ResponseStore, size: number): ResponseEntry[] {
  const out: ResponseEntry[] = [];
  let position: ResponsePosition | null = null;
  for (;;) {
    const page = target.pageAfter(position, size);
    out.push(...page.entries);
    const last = page.entries.at(-1);
    if (!page.more || last === undefined) {
      return out;
    }

    position = [last.createdMs, last.seq];
  }
}

describe('ResponseStore', () => {
  it('pages newest first by (created time, sequence), ties included, with no gaps', () => {
    const entries = drain(store(), 3);

    expect(entries.map((e) => e.seq)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(entries[3]?.createdMs).toBe(entries[4]?.createdMs);
  });

  it('says there is no more when the last page is exactly full', () => {
    const target = store();
    const first = target.pageAfter(null, 5);
    const second = target.pageAfter([first.entries[4]!.createdMs, first.entries[4]!.seq], 5);

    expect(first.more).toBe(true);
    expect(second.entries).toHaveLength(5);
    expect(second.more).toBe(false);
  });

  it('puts added responses first and keeps later pages stable', () => {
    const target = store();
    const first = target.pageAfter(null, 4);
    const last = first.entries.at(-1)!;

    target.add(50_000);
    target.add(200_000);
    const rest = drain(target, 100).slice(0);
    const after = target.pageAfter([last.createdMs, last.seq], 100);

    expect(rest.slice(0, 2).map((e) => e.seq)).toEqual([12, 11]);
    expect(rest[1]!.createdMs).toBeGreaterThan(100_000);
    expect(after.entries.map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(target.size).toBe(12);
  });

  it('deletes a user’s responses that exist now, and only those', () => {
    const target = store();

    const removed = target.deleteUser(7);
    const later = target.add(200_000);
    const live = drain(target, 4).map((e) => e.seq);

    expect(removed).toBe(3);
    expect(live).not.toContain(3);
    expect(live).not.toContain(9);
    expect(live).toContain(later.seq);
    expect(target.size).toBe(8);
  });
});
