export { Scheduler, type SchedulerOptions, type StartRunResult } from './scheduler.js';
export {
  formatSchedule,
  parseSchedule,
  scheduleSchema,
  type CronScheduleObject,
  type IntervalUnit,
  type Schedule,
} from './schedule.js';
export { latestTickAtOrBefore, nextTick, upcomingTicks } from './schedule-ticks.js';
export { SCHEDULER_STATE_NAME, type TickOutcome, type TickState } from './tick-state.js';
export { systemTimerClock, type TimerClock, type TimerHandle } from './timer-clock.js';
