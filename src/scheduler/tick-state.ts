import { z } from 'zod';

import type { Store } from '../store/store.js';

/**
 * The reserved sync-state name under which the scheduler keeps one partition per flow id. Flow
 * names start with a letter or a digit, so no flow can own it.
 */
export const SCHEDULER_STATE_NAME = '_scheduler';

/** How many outcomes each flow keeps, newest first. */
export const TICK_HISTORY_LENGTH = 20;

const tickOutcomeSchema = z.object({
  /** The scheduled instant this outcome belongs to. */
  tick: z.string(),
  /** When the scheduler handled it (later than `tick` after downtime). */
  at: z.string(),
  outcome: z.enum(['started', 'skipped_running', 'failed']),
  run_id: z.string().optional(),
  /** True when the tick stands for one or more ticks missed while the service was down. */
  late: z.boolean().optional(),
  error: z.string().optional(),
});

const tickStateSchema = z.object({
  /** The schedule text `last_tick` belongs to; another schedule starts afresh. */
  schedule: z.string(),
  last_tick: z.string().nullable(),
  recent: z.array(tickOutcomeSchema),
});

/** What became of one scheduled tick. */
export type TickOutcome = z.infer<typeof tickOutcomeSchema>;

/** A flow's scheduling memory: the last tick handled and the latest outcomes. */
export type TickState = z.infer<typeof tickStateSchema>;

/** The flow's tick state, or null when there is none (or it is unreadable). */
export async function readTickState(store: Store, flowId: string): Promise<TickState | null> {
  const all = await store.readSyncState(SCHEDULER_STATE_NAME);
  const parsed = tickStateSchema.safeParse(all.get(flowId));
  return parsed.success ? parsed.data : null;
}

/** Records a handled tick: it becomes `last_tick`, its outcome heads the history. */
export async function recordTick(
  store: Store,
  options: { flowId: string; schedule: string; previous: TickState | null; outcome: TickOutcome },
): Promise<TickState> {
  const { flowId, schedule, previous, outcome } = options;
  const earlier = previous?.recent ?? [];
  const state: TickState = {
    schedule,
    last_tick: outcome.tick,
    recent: [outcome, ...earlier].slice(0, TICK_HISTORY_LENGTH),
  };

  await store.writeSyncState(SCHEDULER_STATE_NAME, new Map([[flowId, state]]));
  return state;
}

/** Forgets a flow (it was deleted). */
export async function forgetTickState(store: Store, flowId: string): Promise<void> {
  await store.resetSyncState(SCHEDULER_STATE_NAME, flowId);
}

/** Forgets every flow not in `flowIds` (deleted while no scheduler was there to see it). */
export async function forgetOtherFlows(store: Store, flowIds: ReadonlySet<string>): Promise<void> {
  const all = await store.readSyncState(SCHEDULER_STATE_NAME);
  for (const flowId of all.keys()) {
    if (!flowIds.has(flowId)) await store.resetSyncState(SCHEDULER_STATE_NAME, flowId);
  }
}
