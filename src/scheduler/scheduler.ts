import { StoreNotFoundError } from '../errors/errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { FlowRecord, Store } from '../store/store.js';
import { parseSchedule, type Schedule } from './schedule.js';
import { latestTickAtOrBefore, nextTick, upcomingTicks } from './schedule-ticks.js';
import {
  forgetOtherFlows,
  forgetTickState,
  readTickState,
  recordTick,
  type TickOutcome,
  type TickState,
} from './tick-state.js';
import {
  MAX_TIMER_MS,
  systemTimerClock,
  type TimerClock,
  type TimerHandle,
} from './timer-clock.js';

/** What starting a scheduled run gave: a run, or nothing because the flow is already running. */
export type StartRunResult = { run_id: string } | { skipped: 'running' };

export interface SchedulerOptions {
  store: Store;
  /** Queues or starts a run of the flow; answers `{ skipped: 'running' }` while one is running. */
  startRun: (flowId: string, trigger: 'schedule') => Promise<StartRunResult>;
  /** Default: the system clock. */
  clock?: TimerClock;
  /** Default: a silent logger. */
  logger?: Logger;
}

/** A flow the scheduler can plan for: active, with a valid schedule. */
interface Plan {
  flow: FlowRecord;
  schedule: Schedule;
  anchor: Date;
}

/**
 * Runs active flows on their schedules. One scheduler per installation (the `serve` process).
 *
 * Each flow's last handled tick is kept in the store (sync state `_scheduler`, partition = flow
 * id), so a new scheduler on the same store continues where the last one stopped: ticks missed
 * while nothing was running are caught up with ONE run at start, not one per missed tick. Ticks
 * before the flow's last edit (`updated_at`: saving, activating, pausing) never count as missed.
 * A tick that finds the flow running is skipped, logged and kept in the flow's tick history.
 *
 * TODO(#6): one scheduler per store is assumed; two `serve` processes on one PostgreSQL store
 * would both fire a tick (no lease or compare-and-set on the tick state yet).
 * TODO(#6): a skipped tick shows in `history()` and the log only; the store has no notification
 * kind for it.
 */
export class Scheduler {
  private readonly store: Store;
  private readonly startRun: SchedulerOptions['startRun'];
  private readonly clock: TimerClock;
  private readonly logger: Logger;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly chains = new Map<string, Promise<void>>();
  private running = false;

  constructor(options: SchedulerOptions) {
    this.store = options.store;
    this.startRun = options.startRun;
    this.clock = options.clock ?? systemTimerClock();
    this.logger = (options.logger ?? silentLogger()).child({ module: 'scheduler' });
  }

  /** Plans every flow; overdue ones run at once (once each). Resolves when that is done. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;

    const flowIds = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await this.store.listFlows({ limit: 500, cursor });
      for (const flow of page.items) {
        flowIds.add(flow.id);
        void this.enqueue(flow.id, () => this.evaluate(flow.id));
      }
      cursor = page.next_cursor;
    } while (cursor !== null);

    await this.idle();
    await forgetOtherFlows(this.store, flowIds);
    this.logger.info({ flows: this.timers.size }, 'scheduler started');
  }

  /** Cancels every timer and waits for the ticks being handled. */
  async stop(): Promise<void> {
    this.running = false;
    for (const flowId of [...this.timers.keys()]) this.disarm(flowId);
    await this.idle();
    this.logger.info('scheduler stopped');
  }

  /** Re-reads a flow after it was saved, activated, paused or deleted, and plans it anew. */
  refresh(flowId: string): Promise<void> {
    return this.enqueue(flowId, () => this.evaluate(flowId));
  }

  /** The next `count` run times of an active, scheduled flow; empty for any other flow. */
  async nextRuns(flowId: string, count = 5): Promise<Date[]> {
    const plan = this.planFor(await this.store.getFlow(flowId));
    if (plan === null) return [];

    const after = this.clock.now();
    return upcomingTicks(plan.schedule, { after, anchor: plan.anchor, count });
  }

  /** The latest tick outcomes of a flow, newest first: started, skipped (running), failed. */
  async history(flowId: string): Promise<TickOutcome[]> {
    return (await readTickState(this.store, flowId))?.recent ?? [];
  }

  /** Resolves when no tick is being handled. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  private enqueue(flowId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(flowId) ?? Promise.resolve();
    const next = previous.then(task).catch((error: unknown) => {
      this.logger.error({ flow_id: flowId, err: error }, 'scheduling a flow failed');
    });

    this.chains.set(flowId, next);
    void next.finally(() => {
      if (this.chains.get(flowId) === next) this.chains.delete(flowId);
    });
    return next;
  }

  /** Fires the flow's due tick, if any, then sets a timer for the next one. */
  private async evaluate(flowId: string): Promise<void> {
    this.disarm(flowId);
    if (!this.running) return;

    const flow = await this.findFlow(flowId);
    const plan = flow === null ? null : this.planFor(flow);
    if (plan === null) return;

    const state = await readTickState(this.store, flowId);
    const due = nextTick(plan.schedule, this.handledThrough(plan, state), plan.anchor);
    if (due === null) return;

    const now = this.clock.now();
    if (due.getTime() > now.getTime()) return this.arm(flowId, due);

    const tick = latestTickAtOrBefore(plan.schedule, now, plan.anchor) ?? due;
    await this.fire(plan, { tick, late: tick.getTime() > due.getTime(), state });

    const following = nextTick(plan.schedule, tick, plan.anchor);
    if (following !== null) this.arm(flowId, following);
  }

  private async fire(
    plan: Plan,
    options: { tick: Date; late: boolean; state: TickState | null },
  ): Promise<void> {
    const { flow } = plan;
    const tick = options.tick.toISOString();
    const fields = { flow: flow.name, flow_id: flow.id, tick, late: options.late };
    const outcome = {
      tick,
      at: this.clock.now().toISOString(),
      ...(options.late && { late: true }),
    };

    const result = await this.startFor(flow.id, fields);
    await recordTick(this.store, {
      flowId: flow.id,
      schedule: flow.schedule ?? '',
      previous: options.state,
      outcome: { ...outcome, ...result },
    });
  }

  private async startFor(
    flowId: string,
    fields: Record<string, unknown>,
  ): Promise<Pick<TickOutcome, 'outcome' | 'run_id' | 'error'>> {
    try {
      const result = await this.startRun(flowId, 'schedule');
      if ('skipped' in result) {
        this.logger.warn(fields, 'scheduled tick skipped: the flow is already running');
        return { outcome: 'skipped_running' };
      }

      this.logger.info({ ...fields, run: result.run_id }, 'scheduled run started');
      return { outcome: 'started', run_id: result.run_id };
    } catch (error) {
      this.logger.error({ ...fields, err: error }, 'scheduled run could not start');
      return { outcome: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Ticks at or before this instant are handled (or belong to an earlier edit of the flow). */
  private handledThrough(plan: Plan, state: TickState | null): Date {
    const edited = Date.parse(plan.flow.updated_at);
    const last =
      state?.schedule === plan.flow.schedule && state.last_tick !== null
        ? Date.parse(state.last_tick)
        : Number.NEGATIVE_INFINITY;
    return new Date(Math.max(edited, last));
  }

  private planFor(flow: FlowRecord): Plan | null {
    if (flow.status !== 'active' || flow.schedule === null) return null;

    try {
      const schedule = parseSchedule(flow.schedule);
      return { flow, schedule, anchor: new Date(flow.created_at) };
    } catch (error) {
      this.logger.error({ flow: flow.name, flow_id: flow.id, err: error }, 'flow schedule invalid');
      return null;
    }
  }

  private async findFlow(flowId: string): Promise<FlowRecord | null> {
    try {
      return await this.store.getFlow(flowId);
    } catch (error) {
      if (!(error instanceof StoreNotFoundError)) throw error;
      await forgetTickState(this.store, flowId);
      return null;
    }
  }

  private arm(flowId: string, due: Date): void {
    if (!this.running) return;

    const wait = Math.min(due.getTime() - this.clock.now().getTime(), MAX_TIMER_MS);
    const handle = this.clock.setTimer(() => {
      this.timers.delete(flowId);
      void this.enqueue(flowId, () => this.evaluate(flowId));
    }, wait);
    this.timers.set(flowId, handle);
  }

  private disarm(flowId: string): void {
    const handle = this.timers.get(flowId);
    if (handle === undefined) return;

    this.clock.clearTimer(handle);
    this.timers.delete(flowId);
  }
}
