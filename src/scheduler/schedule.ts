import { Cron } from 'croner';
import { z } from 'zod';

import { ConfigError } from '../errors/errors.js';

/** `every N <unit>`: the period's unit. Days are 24-hour periods, not calendar days. */
export type IntervalUnit = 'minutes' | 'hours' | 'days';

/**
 * A parsed schedule. `once`: a single instant. `every`: a fixed period counted from `anchor`
 * (null: the flow's creation), so ticks stay where they were across restarts. `cron`: a 5-field
 * expression read in `timezone` (an IANA name; `UTC` when none is given).
 */
export type Schedule =
  | { kind: 'once'; at: Date }
  | { kind: 'every'; count: number; unit: IntervalUnit; anchor: Date | null }
  | { kind: 'cron'; expression: string; timezone: string };

/** The object form a flow file or an API body may use for a cron schedule. */
export interface CronScheduleObject {
  cron: string;
  timezone?: string;
}

const UNIT_MS: Record<IntervalUnit, number> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
};

/** An ISO-8601 instant with a date, a time and a zone (`Z` or `±hh:mm`): never local time. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ONCE = /^once\s+at\s+(\S+)$/i;
const EVERY = /^every\s+(\S+)\s+([a-z]+)(?:\s+from\s+(\S+))?$/i;
const TZ_PREFIX = /^(?:CRON_TZ|TZ)=(\S*)\s+(.*)$/;

/** How long one period of an `every` schedule lasts, in milliseconds. */
export function intervalMs(schedule: { count: number; unit: IntervalUnit }): number {
  return schedule.count * UNIT_MS[schedule.unit];
}

/**
 * Reads a schedule. Text forms: `once at 2025-06-01T09:00:00Z`; `every 15 minutes` (also
 * `hours`, `days`, singular accepted, optional `from <ISO instant>` as the anchor); a 5-field
 * cron expression read in UTC, or in a time zone given by a `TZ=Europe/Berlin ` (or `CRON_TZ=`)
 * prefix. The object form `{ cron, timezone }` equals the prefixed text.
 *
 * @throws ConfigError (CONFIG_INVALID) naming the bad part, at `path` (default `schedule`).
 */
export function parseSchedule(input: string | CronScheduleObject, path = 'schedule'): Schedule {
  const fail = (message: string): never => {
    throw new ConfigError([{ code: 'invalid_schedule', path, message }]);
  };

  if (typeof input !== 'string') return parseCron(input.cron, input.timezone ?? 'UTC', fail);

  const text = input.trim();
  if (text === '') return fail('the schedule is empty');

  const once = ONCE.exec(text);
  if (once !== null) return { kind: 'once', at: parseInstant(once[1] ?? '', 'once at', fail) };
  if (/^once\b/i.test(text)) return fail(`expected "once at <ISO instant>", got ${quote(text)}`);

  const every = EVERY.exec(text);
  if (every !== null) return parseEvery(every, fail);
  if (/^every\b/i.test(text)) {
    return fail(`expected "every N minutes|hours|days [from <ISO instant>]", got ${quote(text)}`);
  }

  const prefixed = TZ_PREFIX.exec(text);
  if (prefixed !== null) return parseCron(prefixed[2] ?? '', prefixed[1] ?? '', fail);
  return parseCron(text, 'UTC', fail);
}

function parseEvery(match: RegExpExecArray, fail: (message: string) => never): Schedule {
  const [, countText = '', unitText = '', anchorText] = match;
  if (!/^\d+$/.test(countText) || Number(countText) < 1) {
    return fail(
      `the count in "every N ${unitText}" must be a whole number ≥ 1, got ${quote(countText)}`,
    );
  }

  const unit = unitOf(unitText.toLowerCase());
  if (unit === null) {
    return fail(
      `the unit of "every ${countText} …" must be minutes, hours or days, got ${quote(unitText)}`,
    );
  }

  const anchor = anchorText === undefined ? null : parseInstant(anchorText, 'from', fail);
  return { kind: 'every', count: Number(countText), unit, anchor };
}

function unitOf(text: string): IntervalUnit | null {
  if (text === 'minute' || text === 'minutes') return 'minutes';
  if (text === 'hour' || text === 'hours') return 'hours';
  if (text === 'day' || text === 'days') return 'days';
  return null;
}

function parseInstant(text: string, after: string, fail: (message: string) => never): Date {
  const at = new Date(text);
  if (!ISO_INSTANT.test(text) || Number.isNaN(at.getTime())) {
    return fail(
      `the instant after "${after}" must be ISO-8601 with a zone (e.g. 2025-06-01T09:00:00Z), got ${quote(text)}`,
    );
  }
  return at;
}

function parseCron(
  expression: string,
  timezone: string,
  fail: (message: string) => never,
): Schedule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') {
    return fail(
      `a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${fields.length} in ${quote(expression)}`,
    );
  }

  if (!isTimeZone(timezone))
    return fail(
      `unknown time zone ${quote(timezone)} (expected an IANA name such as Europe/Berlin)`,
    );

  try {
    const cron = new Cron(fields.join(' '), { timezone, paused: true, mode: '5-part' });
    const never = cron.nextRun(new Date(0)) === null;
    cron.stop();
    if (never) return fail(`the cron expression ${quote(expression)} never matches a date`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : '';
    return fail(`invalid cron expression ${quote(expression)}: ${reason}`);
  }

  return { kind: 'cron', expression: fields.join(' '), timezone };
}

function isTimeZone(name: string): boolean {
  if (name === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/**
 * The canonical text of a schedule, as stored in a flow (`FlowRecord.schedule`): parsing it
 * again gives the same schedule. Cron schedules in UTC are written without a prefix.
 */
export function formatSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'once':
      return `once at ${schedule.at.toISOString()}`;
    case 'every': {
      const from = schedule.anchor === null ? '' : ` from ${schedule.anchor.toISOString()}`;
      return `every ${schedule.count} ${schedule.unit}${from}`;
    }
    case 'cron':
      return schedule.timezone === 'UTC'
        ? schedule.expression
        : `TZ=${schedule.timezone} ${schedule.expression}`;
  }
}

/**
 * The zod schema of a `schedule` value in a flow file or an API body: the text forms of
 * `parseSchedule`, or `{ cron, timezone? }`. The output is the canonical text (`formatSchedule`),
 * ready to store; the errors are those of `parseSchedule`.
 */
export const scheduleSchema = z
  .union([z.string(), z.strictObject({ cron: z.string(), timezone: z.string().optional() })])
  .transform((value, ctx) => {
    try {
      const input: string | CronScheduleObject =
        typeof value === 'string' ? value : withoutUndefined(value);
      return formatSchedule(parseSchedule(input));
    } catch (error) {
      const message =
        error instanceof ConfigError ? (error.issues[0]?.message ?? '') : String(error);
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
  });

function withoutUndefined(value: {
  cron: string;
  timezone?: string | undefined;
}): CronScheduleObject {
  return value.timezone === undefined
    ? { cron: value.cron }
    : { cron: value.cron, timezone: value.timezone };
}
