import { describe, expect, it } from 'vitest';

import { compareKeys, minusWindow, orderKey, type OrderKey } from './instant-order.js';

function key(value: unknown): OrderKey {
  const found = orderKey(value);
  if (found === undefined) throw new Error('no key');
  return found;
}

describe('orderKey and compareKeys', () => {
  it('compares the same instant written in different time zones as equal', () => {
    expect(compareKeys(key('2026-01-01T10:00:00Z'), key('2026-01-01T11:00:00+01:00'))).toBe(0);
    expect(compareKeys(key('2026-01-01T10:00:00.5Z'), key('2026-01-01T10:00:00.500000Z'))).toBe(0);
  });

  it('orders instants below the millisecond', () => {
    expect(
      compareKeys(key('2026-01-01T10:00:00.000001Z'), key('2026-01-01T10:00:00.000002Z')),
    ).toBeLessThan(0);
    expect(
      compareKeys(key('2026-01-01T10:00:00.001Z'), key('2026-01-01T10:00:00.000999Z')),
    ).toBeGreaterThan(0);
  });

  it('orders numbers numerically, not as text', () => {
    expect(compareKeys(key(9), key(10))).toBeLessThan(0);
  });

  it('moves instants back by a window and leaves text alone', () => {
    expect(minusWindow(key('2026-01-03T00:00:00Z'), 48 * 3_600_000)).toEqual(
      key('2026-01-01T00:00:00Z'),
    );
    expect(minusWindow('abc', 1000)).toBe('abc');
  });
});
