import { describe, expect, it } from 'vitest';

import { dueKeyWarning, keyExpiresAt } from './key-expiry.js';

describe('key expiry', () => {
  it('expires a key one year after its creation day, at midnight UTC', () => {
    expect(keyExpiresAt('2025-01-15')?.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(keyExpiresAt('2024-02-29')?.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(keyExpiresAt('15/01/2025')).toBeNull();
  });

  it('gives the smallest reached threshold once, standing for every threshold reached', () => {
    const base = { createdOn: '2025-01-01', thresholds: [30, 7] };
    const at = (iso: string, warned: number[] = []) =>
      dueKeyWarning({ ...base, now: new Date(iso), warned });

    expect(at('2025-12-01T23:59:59Z')).toBeNull();
    expect(at('2025-12-02T00:00:00Z')).toMatchObject({ threshold: 30, covers: [30], daysLeft: 30 });
    expect(at('2025-12-10T00:00:00Z', [30])).toBeNull();
    expect(at('2025-12-28T00:00:00Z')).toMatchObject({
      threshold: 7,
      covers: [30, 7],
      daysLeft: 4,
    });
    expect(at('2026-01-03T00:00:00Z', [30])).toMatchObject({ threshold: 7, daysLeft: -2 });
    expect(at('2026-01-03T00:00:00Z', [30, 7])).toBeNull();
  });
});
