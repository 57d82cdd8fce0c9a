import { Cron } from 'croner';

import { intervalMs, type Schedule } from './schedule.js';

/**
 * The first tick strictly after `after`, or null when there is none (a `once` already past).
 * `anchor` counts the periods of an `every` schedule that has no `from` of its own (the flow's
 * creation). Cron ticks come from croner, which handles time zones and daylight saving: a
 * fixed-time job (`30 2 * * *`) whose time falls in a spring-forward gap runs once, right after
 * the gap, and once (the first occurrence) when a fall-back repeats its time.
 */
export function nextTick(schedule: Schedule, after: Date, anchor: Date): Date | null {
  switch (schedule.kind) {
    case 'once':
      return schedule.at.getTime() > after.getTime() ? schedule.at : null;
    case 'every':
      return nextInterval(schedule, after, schedule.anchor ?? anchor);
    case 'cron':
      return withCron(schedule, (cron) => cron.nextRun(after));
  }
}

/** The last tick at or before `instant`, or null when the schedule has none yet. */
export function latestTickAtOrBefore(schedule: Schedule, instant: Date, anchor: Date): Date | null {
  switch (schedule.kind) {
    case 'once':
      return schedule.at.getTime() <= instant.getTime() ? schedule.at : null;
    case 'every':
      return latestInterval(schedule, instant, schedule.anchor ?? anchor);
    case 'cron': {
      const justAfter = new Date(instant.getTime() + 1);
      return withCron(schedule, (cron) => cron.previousRuns(1, justAfter)[0] ?? null);
    }
  }
}

/** The next `count` ticks strictly after `after` (fewer when the schedule ends). */
export function upcomingTicks(
  schedule: Schedule,
  options: { after: Date; anchor: Date; count: number },
): Date[] {
  const ticks: Date[] = [];
  let cursor = options.after;

  while (ticks.length < options.count) {
    const tick = nextTick(schedule, cursor, options.anchor);
    if (tick === null) break;
    ticks.push(tick);
    cursor = tick;
  }

  return ticks;
}

function nextInterval(
  schedule: Extract<Schedule, { kind: 'every' }>,
  after: Date,
  anchor: Date,
): Date {
  const period = intervalMs(schedule);
  const elapsed = after.getTime() - anchor.getTime();
  if (elapsed < 0) return anchor;

  return new Date(anchor.getTime() + (Math.floor(elapsed / period) + 1) * period);
}

function latestInterval(
  schedule: Extract<Schedule, { kind: 'every' }>,
  instant: Date,
  anchor: Date,
): Date | null {
  const period = intervalMs(schedule);
  const elapsed = instant.getTime() - anchor.getTime();
  if (elapsed < 0) return null;

  return new Date(anchor.getTime() + Math.floor(elapsed / period) * period);
}

function withCron<T>(schedule: Extract<Schedule, { kind: 'cron' }>, use: (cron: Cron) => T): T {
  const cron = new Cron(schedule.expression, {
    timezone: schedule.timezone,
    paused: true,
    mode: '5-part',
  });

  try {
    return use(cron);
  } finally {
    cron.stop();
  }
}
