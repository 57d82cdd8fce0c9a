import { describe, expect, it } from 'vitest';

import { parseSchedule } from './schedule.js';
import { latestTickAtOrBefore, nextTick, upcomingTicks } from './schedule-ticks.js';

const anchor = new Date('2025-03-01T10:00:00.000Z');

function upcoming(text: string, after: string, count: number): string[] {
  const ticks = upcomingTicks(parseSchedule(text), { after: new Date(after), anchor, count });
  return ticks.map((tick) => tick.toISOString());
}

describe('schedule ticks', () => {
  it('counts "every" periods from the anchor, strictly after the given instant', () => {
    expect(upcoming('every 15 minutes', '2025-03-01T10:20:00Z', 3)).toEqual([
      '2025-03-01T10:30:00.000Z',
      '2025-03-01T10:45:00.000Z',
      '2025-03-01T11:00:00.000Z',
    ]);
    expect(upcoming('every 15 minutes', '2025-03-01T10:30:00Z', 1)).toEqual([
      '2025-03-01T10:45:00.000Z',
    ]);
  });

  it('prefers the anchor written in the schedule over the flow creation', () => {
    expect(upcoming('every 1 days from 2025-01-01T06:00:00Z', '2025-03-01T10:00:00Z', 2)).toEqual([
      '2025-03-02T06:00:00.000Z',
      '2025-03-03T06:00:00.000Z',
    ]);
  });

  it('gives a once schedule its instant and nothing after it', () => {
    expect(upcoming('once at 2025-03-02T00:00:00Z', '2025-03-01T00:00:00Z', 3)).toEqual([
      '2025-03-02T00:00:00.000Z',
    ]);
    expect(upcoming('once at 2025-03-02T00:00:00Z', '2025-03-02T00:00:00Z', 3)).toEqual([]);
  });

  it('runs a daily 02:30 Berlin job once on the spring-forward day, right after the gap', () => {
    expect(upcoming('TZ=Europe/Berlin 30 2 * * *', '2025-03-29T12:00:00Z', 3)).toEqual([
      '2025-03-30T01:00:00.000Z',
      '2025-03-31T00:30:00.000Z',
      '2025-04-01T00:30:00.000Z',
    ]);
  });

  it('runs a daily 02:30 Berlin job once on the fall-back day, at the first 02:30', () => {
    expect(upcoming('TZ=Europe/Berlin 30 2 * * *', '2025-10-25T12:00:00Z', 2)).toEqual([
      '2025-10-26T00:30:00.000Z',
      '2025-10-27T01:30:00.000Z',
    ]);
  });

  it('finds the latest tick at or before an instant, including the instant itself', () => {
    const hourly = parseSchedule('0 * * * *');
    const at = (iso: string) => latestTickAtOrBefore(hourly, new Date(iso), anchor)?.toISOString();
    expect(at('2025-03-01T15:00:00.000Z')).toBe('2025-03-01T15:00:00.000Z');
    expect(at('2025-03-01T15:59:59.999Z')).toBe('2025-03-01T15:00:00.000Z');

    const every = parseSchedule('every 2 hours');
    expect(latestTickAtOrBefore(every, new Date('2025-03-01T15:00:00Z'), anchor)).toEqual(
      new Date('2025-03-01T14:00:00Z'),
    );
    expect(latestTickAtOrBefore(every, new Date('2025-03-01T09:00:00Z'), anchor)).toBeNull();
  });

  it('has no next tick for a once schedule already past', () => {
    const once = parseSchedule('once at 2025-03-01T00:00:00Z');
    expect(nextTick(once, anchor, anchor)).toBeNull();
  });
});
