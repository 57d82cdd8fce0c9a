import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { storeBackends, type StoreTarget } from '../store/test-support/store-backends.js';
import { Scheduler, type StartRunResult } from './scheduler.js';
import { ManualTimerClock } from './test-support/manual-timer-clock.js';

const { backends, skipped } = storeBackends();

const T0 = '2025-03-01T10:00:00.000Z';

/** A pino logger whose lines land in an array. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = {
    write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  };
  return { logger: pino({ level: 'info' }, stream), lines };
}

if (skipped !== null) {
  describe('the scheduler on the postgres store', () => {
    it.skip(skipped, () => undefined);
  });
}

describe.each(backends)('the scheduler on the $name store', (backend) => {
  let target: StoreTarget;
  let store: Store;
  let clock: ManualTimerClock;
  let started: { flow: string; at: string }[];
  let busy: Set<string>;
  let schedulers: Scheduler[];

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());

  beforeEach(async () => {
    clock = new ManualTimerClock(T0);
    target = await backend.fresh();
    store = await target.open({ now: () => clock.now() });
    started = [];
    busy = new Set();
    schedulers = [];
  });

  afterEach(async () => {
    await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
    await target.closeAll();
  });

  /** A scheduler on `on` (default: the test's store) whose runs are recorded in `started`. */
  function scheduler(options: { logger?: Logger; on?: Store } = {}): Scheduler {
    const on = options.on ?? store;
    const startRun = async (flowId: string): Promise<StartRunResult> => {
      const flow = await on.getFlow(flowId);
      if (busy.has(flow.name)) return { skipped: 'running' };

      const run = await on.createRun({ flow_id: flowId, trigger: 'schedule' });
      started.push({ flow: flow.name, at: clock.now().toISOString() });
      return { run_id: run.id };
    };

    const created = new Scheduler({
      store: on,
      clock,
      startRun,
      ...(options.logger !== undefined && { logger: options.logger }),
    });
    schedulers.push(created);
    return created;
  }

  function flow(name: string, schedule: string, status: 'active' | 'paused' = 'active') {
    return store.createFlow({ name, definition: { version: 1, name }, schedule, status });
  }

  async function advanceTo(instant: string, active?: Scheduler): Promise<void> {
    const settle = () => (active === undefined ? Promise.resolve() : active.idle());
    await clock.advanceTo(instant, settle);
  }

  const runTimes = (name: string) => started.filter((s) => s.flow === name).map((s) => s.at);

  it('fires an every-15-minutes flow at each quarter hour after its creation', async () => {
    await flow('quarter', 'every 15 minutes');
    const sched = scheduler();
    await sched.start();

    await advanceTo('2025-03-01T11:05:00.000Z', sched);

    expect(runTimes('quarter')).toEqual([
      '2025-03-01T10:15:00.000Z',
      '2025-03-01T10:30:00.000Z',
      '2025-03-01T10:45:00.000Z',
      '2025-03-01T11:00:00.000Z',
    ]);
    const runs = await store.listRunsByFlow((await store.getFlowByName('quarter')).id);
    expect(runs.items.map((run) => run.trigger)).toEqual(Array(4).fill('schedule'));
  });

  it('counts an every-N schedule from its own anchor when one is written', async () => {
    await flow('anchored', 'every 2 hours from 2025-03-01T09:30:00Z');
    const sched = scheduler();
    await sched.start();

    await advanceTo('2025-03-01T14:00:00.000Z', sched);

    expect(runTimes('anchored')).toEqual(['2025-03-01T11:30:00.000Z', '2025-03-01T13:30:00.000Z']);
  });

  it.each([
    {
      zone: 'Europe/Berlin, spring forward',
      schedule: 'TZ=Europe/Berlin 30 2 * * *',
      from: '2025-03-28T12:00:00.000Z',
      to: '2025-04-01T12:00:00.000Z',
      expected: ['2025-03-29T01:30', '2025-03-30T01:00', '2025-03-31T00:30', '2025-04-01T00:30'],
    },
    {
      zone: 'Europe/Berlin, fall back',
      schedule: 'TZ=Europe/Berlin 30 2 * * *',
      from: '2025-10-24T12:00:00.000Z',
      to: '2025-10-28T12:00:00.000Z',
      expected: ['2025-10-25T00:30', '2025-10-26T00:30', '2025-10-27T01:30', '2025-10-28T01:30'],
    },
    {
      zone: 'America/New_York, spring forward',
      schedule: 'TZ=America/New_York 30 2 * * *',
      from: '2025-03-07T12:00:00.000Z',
      to: '2025-03-11T12:00:00.000Z',
      expected: ['2025-03-08T07:30', '2025-03-09T07:00', '2025-03-10T06:30', '2025-03-11T06:30'],
    },
    {
      zone: 'America/New_York, fall back',
      schedule: 'TZ=America/New_York 30 1 * * *',
      from: '2025-10-31T12:00:00.000Z',
      to: '2025-11-04T12:00:00.000Z',
      expected: ['2025-11-01T05:30', '2025-11-02T05:30', '2025-11-03T06:30', '2025-11-04T06:30'],
    },
  ])('runs a daily cron once per local day across a DST change ($zone)', async (c) => {
    clock = new ManualTimerClock(c.from);
    await flow('daily', c.schedule);
    const sched = scheduler();
    await sched.start();

    await advanceTo(c.to, sched);

    expect(runTimes('daily')).toEqual(c.expected.map((at) => `${at}:00.000Z`));
  });

  it('runs an hourly Berlin cron on both real hours of a fall-back night', async () => {
    clock = new ManualTimerClock('2025-10-25T23:30:00.000Z');
    await flow('hourly', 'TZ=Europe/Berlin 0 * * * *');
    const sched = scheduler();
    await sched.start();

    await advanceTo('2025-10-26T02:30:00.000Z', sched);

    expect(runTimes('hourly')).toEqual([
      '2025-10-26T00:00:00.000Z',
      '2025-10-26T01:00:00.000Z',
      '2025-10-26T02:00:00.000Z',
    ]);
  });

  it('skips and logs a tick that finds the flow running, and keeps it in the history', async () => {
    const created = await flow('busy', '0 * * * *');
    const { logger, lines } = capturingLogger();
    const sched = scheduler({ logger });
    await sched.start();
    busy.add('busy');

    await advanceTo('2025-03-01T11:30:00.000Z', sched);
    expect(runTimes('busy')).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'scheduled tick skipped: the flow is already running',
        flow: 'busy',
        tick: '2025-03-01T11:00:00.000Z',
      }),
    );
    expect(await sched.history(created.id)).toEqual([
      expect.objectContaining({ tick: '2025-03-01T11:00:00.000Z', outcome: 'skipped_running' }),
    ]);

    busy.delete('busy');
    await advanceTo('2025-03-01T12:00:00.000Z', sched);
    expect(runTimes('busy')).toEqual(['2025-03-01T12:00:00.000Z']);
  });

  it('runs ticks missed while the service was down once, on the next start', async () => {
    const created = await flow('hourly', '0 * * * *');
    const first = scheduler();
    await first.start();
    await advanceTo('2025-03-01T11:10:00.000Z', first);
    await first.stop();

    await advanceTo('2025-03-01T15:20:00.000Z');
    const second = scheduler({ on: await target.open({ now: () => clock.now() }) });
    await second.start();
    expect(runTimes('hourly')).toEqual(['2025-03-01T11:00:00.000Z', '2025-03-01T15:20:00.000Z']);
    expect((await second.history(created.id))[0]).toMatchObject({
      tick: '2025-03-01T15:00:00.000Z',
      at: '2025-03-01T15:20:00.000Z',
      outcome: 'started',
      late: true,
    });

    await advanceTo('2025-03-01T16:00:00.000Z', second);
    expect(runTimes('hourly')).toHaveLength(3);
    expect(runTimes('hourly')[2]).toBe('2025-03-01T16:00:00.000Z');
  });

  it('starts nothing after a restart that missed no tick', async () => {
    await flow('hourly', '0 * * * *');
    const first = scheduler();
    await first.start();
    await advanceTo('2025-03-01T11:10:00.000Z', first);
    await first.stop();

    await advanceTo('2025-03-01T11:50:00.000Z');
    await scheduler().start();

    expect(runTimes('hourly')).toEqual(['2025-03-01T11:00:00.000Z']);
  });

  it('never runs a paused flow, and an activation does not catch up the paused ticks', async () => {
    await flow('paused', '*/5 * * * *', 'paused');
    const later = await flow('later', '0 * * * *');
    const sched = scheduler();
    await sched.start();

    await advanceTo('2025-03-01T11:10:00.000Z', sched);
    await store.updateFlow(later.id, { status: 'paused' });
    await sched.refresh(later.id);
    await advanceTo('2025-03-01T15:30:00.000Z', sched);
    expect(runTimes('later')).toEqual(['2025-03-01T11:00:00.000Z']);

    await store.updateFlow(later.id, { status: 'active' });
    await sched.refresh(later.id);
    await advanceTo('2025-03-01T16:00:00.000Z', sched);

    expect(runTimes('paused')).toEqual([]);
    expect(runTimes('later')).toEqual(['2025-03-01T11:00:00.000Z', '2025-03-01T16:00:00.000Z']);
  });

  it('runs a once schedule once and never again, even after a restart', async () => {
    const created = await flow('single', 'once at 2025-03-01T12:00:00Z');
    const sched = scheduler();
    await sched.start();
    await advanceTo('2025-03-01T13:00:00.000Z', sched);
    await sched.stop();

    await advanceTo('2025-03-02T13:00:00.000Z');
    const again = scheduler();
    await again.start();
    await advanceTo('2025-03-03T13:00:00.000Z', again);

    expect(runTimes('single')).toEqual(['2025-03-01T12:00:00.000Z']);
    expect(await again.nextRuns(created.id, 3)).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('runs a once schedule that passed during downtime when the service starts again', async () => {
    await flow('single', 'once at 2025-03-01T12:00:00Z');
    await scheduler().start();
    await schedulers[0]?.stop();

    await advanceTo('2025-03-01T18:00:00.000Z');
    await scheduler().start();

    expect(runTimes('single')).toEqual(['2025-03-01T18:00:00.000Z']);
  });

  it('follows a schedule change on refresh', async () => {
    const created = await flow('changing', '0 * * * *');
    const sched = scheduler();
    await sched.start();
    await advanceTo('2025-03-01T10:20:00.000Z', sched);

    await store.updateFlow(created.id, { schedule: 'every 10 minutes' });
    await sched.refresh(created.id);
    await advanceTo('2025-03-01T10:45:00.000Z', sched);

    expect(runTimes('changing')).toEqual(['2025-03-01T10:30:00.000Z', '2025-03-01T10:40:00.000Z']);
  });

  it('drops a deleted flow on refresh and forgets its ticks', async () => {
    const created = await flow('gone', 'every 5 minutes');
    const sched = scheduler();
    await sched.start();
    await advanceTo('2025-03-01T10:05:00.000Z', sched);
    expect(clock.pending).toBe(1);

    for (const run of (await store.listRunsByFlow(created.id)).items) {
      await store.updateRun(run.id, { status: 'succeeded' });
    }
    await store.deleteFlow(created.id);
    await sched.refresh(created.id);

    expect(clock.pending).toBe(0);
    expect((await store.readSyncState('_scheduler')).has(created.id)).toBe(false);
  });

  it('forgets, on start, the ticks of flows deleted while it was stopped', async () => {
    const kept = await flow('kept', 'every 5 minutes');
    const gone = await flow('gone', 'every 5 minutes');
    const first = scheduler();
    await first.start();
    await advanceTo('2025-03-01T10:05:00.000Z', first);
    await first.stop();

    for (const run of (await store.listRunsByFlow(gone.id)).items) {
      await store.updateRun(run.id, { status: 'succeeded' });
    }
    await store.deleteFlow(gone.id);
    await scheduler().start();

    const state = await store.readSyncState('_scheduler');
    expect([...state.keys()]).toEqual([kept.id]);
  });

  it('records a run that could not start and keeps the schedule going', async () => {
    const created = await flow('fragile', 'every 30 minutes');
    let fail = true;
    const sched = new Scheduler({
      store,
      clock,
      startRun: () => {
        if (fail) return Promise.reject(new Error('the queue is unavailable'));
        started.push({ flow: 'fragile', at: clock.now().toISOString() });
        return Promise.resolve({ run_id: 'r1' });
      },
    });
    schedulers.push(sched);
    await sched.start();

    await advanceTo('2025-03-01T10:31:00.000Z', sched);
    fail = false;
    await advanceTo('2025-03-01T11:00:00.000Z', sched);

    expect(runTimes('fragile')).toEqual(['2025-03-01T11:00:00.000Z']);
    expect((await sched.history(created.id)).map((o) => o.outcome)).toEqual(['started', 'failed']);
    expect((await sched.history(created.id))[1]?.error).toBe('the queue is unavailable');
  });

  it('lists the next run times of a flow, and none for a paused or unscheduled one', async () => {
    const cron = await flow('six-hourly', '0 */6 * * *');
    const every = await flow('quarter', 'every 15 minutes');
    const paused = await flow('paused', '0 * * * *', 'paused');
    const manual = await store.createFlow({ name: 'manual', definition: {} });
    const sched = scheduler();

    expect((await sched.nextRuns(cron.id, 3)).map((d) => d.toISOString())).toEqual([
      '2025-03-01T12:00:00.000Z',
      '2025-03-01T18:00:00.000Z',
      '2025-03-02T00:00:00.000Z',
    ]);
    expect((await sched.nextRuns(every.id, 2)).map((d) => d.toISOString())).toEqual([
      '2025-03-01T10:15:00.000Z',
      '2025-03-01T10:30:00.000Z',
    ]);
    expect(await sched.nextRuns(paused.id, 3)).toEqual([]);
    expect(await sched.nextRuns(manual.id, 3)).toEqual([]);
  });

  it('leaves a flow with an unreadable stored schedule alone and logs why', async () => {
    await flow('broken', 'every fortnight');
    const { logger, lines } = capturingLogger();
    const sched = scheduler({ logger });
    await sched.start();
    await advanceTo('2025-03-05T00:00:00.000Z', sched);

    expect(started).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'flow schedule invalid', flow: 'broken' }),
    );
  });

  it('stops firing once stopped', async () => {
    await flow('quarter', 'every 15 minutes');
    const sched = scheduler();
    await sched.start();
    await sched.stop();

    await advanceTo('2025-03-01T12:00:00.000Z', sched);
    expect(started).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
