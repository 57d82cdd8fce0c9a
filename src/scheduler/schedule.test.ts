import { describe, expect, it } from 'vitest';

import { ConfigError } from '../errors/errors.js';
import { formatSchedule, parseSchedule, scheduleSchema } from './schedule.js';

function parseError(input: Parameters<typeof parseSchedule>[0]): ConfigError {
  try {
    parseSchedule(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSchedule', () => {
  it('reads a plain cron expression as UTC, as flow files write it', () => {
    expect(parseSchedule('0 */6 * * *')).toEqual({
      kind: 'cron',
      expression: '0 */6 * * *',
      timezone: 'UTC',
    });
  });

  it('reads a TZ= or CRON_TZ= prefix and the object form as a cron in that time zone', () => {
    const expected = { kind: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin' };
    expect(parseSchedule('TZ=Europe/Berlin 30 2 * * *')).toEqual(expected);
    expect(parseSchedule('CRON_TZ=Europe/Berlin  30  2 * * *')).toEqual(expected);
    expect(parseSchedule({ cron: '30 2 * * *', timezone: 'Europe/Berlin' })).toEqual(expected);
  });

  it('reads "every N unit", singular or plural, with an optional anchor', () => {
    expect(parseSchedule('every 15 minutes')).toEqual({
      kind: 'every',
      count: 15,
      unit: 'minutes',
      anchor: null,
    });
    expect(parseSchedule('every 1 hour from 2025-01-01T00:30:00Z')).toEqual({
      kind: 'every',
      count: 1,
      unit: 'hours',
      anchor: new Date('2025-01-01T00:30:00Z'),
    });
    expect(parseSchedule('Every 2 DAYS')).toMatchObject({ count: 2, unit: 'days' });
  });

  it('reads "once at" an ISO instant with a zone offset', () => {
    expect(parseSchedule('once at 2025-06-01T11:00:00+02:00')).toEqual({
      kind: 'once',
      at: new Date('2025-06-01T09:00:00Z'),
    });
  });

  it.each([
    ['every 0 minutes', /whole number ≥ 1, got "0"/],
    ['every -5 minutes', /whole number ≥ 1, got "-5"/],
    ['every 1.5 hours', /whole number ≥ 1, got "1.5"/],
    ['every 5 weeks', /minutes, hours or days, got "weeks"/],
    ['every minute', /expected "every N minutes\|hours\|days/],
    ['once at tomorrow', /ISO-8601 with a zone.*got "tomorrow"/],
    ['once at 2025-06-01T09:00:00', /ISO-8601 with a zone.*got "2025-06-01T09:00:00"/],
    ['once 2025-06-01T09:00:00Z', /expected "once at <ISO instant>"/],
    ['0 */6 * *', /5 fields.*got 4/],
    ['0 0 0 */6 * * *', /5 fields.*got 7/],
    ['61 * * * *', /invalid cron expression "61 \* \* \* \*": Invalid value for minute: 61/],
    ['0 0 31 2 *', /never matches/],
    ['TZ=Mars/Olympus 0 * * * *', /unknown time zone "Mars\/Olympus"/],
    ['', /empty/],
  ])('rejects %j naming the bad part', (input, message) => {
    const error = parseError(input);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ code: 'invalid_schedule', path: 'schedule' });
    expect(error.issues[0]?.message).toMatch(message);
  });

  it('rejects an unknown time zone in the object form', () => {
    expect(parseError({ cron: '0 * * * *', timezone: 'Nowhere' }).message).toMatch(
      /schedule: unknown time zone "Nowhere"/,
    );
  });
});

describe('formatSchedule', () => {
  it.each([
    '0 */6 * * *',
    'TZ=America/New_York 30 1 * * *',
    'every 15 minutes',
    'every 2 days from 2025-01-01T00:00:00.000Z',
    'once at 2025-06-01T09:00:00.000Z',
  ])('gives text that parses back to the same schedule: %s', (text) => {
    expect(formatSchedule(parseSchedule(text))).toBe(text);
  });
});

describe('scheduleSchema', () => {
  it('turns every accepted form into the canonical text to store', () => {
    expect(scheduleSchema.parse({ cron: '0 3 * * 1', timezone: 'Europe/Berlin' })).toBe(
      'TZ=Europe/Berlin 0 3 * * 1',
    );
    expect(scheduleSchema.parse('every 1 hour')).toBe('every 1 hours');
    expect(scheduleSchema.parse('0  */6 * * *')).toBe('0 */6 * * *');
  });

  it('reports the parser message as the issue, and unknown keys of the object form', () => {
    const bad = scheduleSchema.safeParse('every 0 minutes');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/whole number ≥ 1/);

    expect(scheduleSchema.safeParse({ cron: '0 * * * *', tz: 'UTC' }).success).toBe(false);
  });
});
