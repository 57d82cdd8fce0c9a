import { FlowLockedError } from '../errors/errors.js';
import type { Logger } from '../log/logger.js';
import { Notifier } from '../notifications/index.js';
import { webhookTargetsFromEnv } from '../notifications/index.js';
import { Scheduler, type StartRunResult, type TimerClock } from '../scheduler/index.js';
import type { Store } from '../store/store.js';
import type { RunExecutor } from './run-executor.js';
import type { ServiceHooks } from './service-hooks.js';

/** The scheduler and the notifier of one `serve` process, joined to the service's events. */
export interface Installation {
  hooks: ServiceHooks;
  /** Starts the scheduler (with the service's run executor) and the notifier's key checks. */
  start(runs: RunExecutor): Promise<void>;
  /** Stops scheduling first, so no run starts during shutdown. */
  stopScheduling(): Promise<void>;
  /** Waits for pending notifications and webhook posts. */
  stopNotifying(): Promise<void>;
  /** Resolves when the scheduler has handled every tick that is due (for tests). */
  idle(): Promise<void>;
}

/**
 * Notifications for finished runs and failed credential tests; the schedule refreshed whenever a
 * flow is saved, paused, activated or deleted. Webhook targets come from the environment.
 */
export function installationHooks(options: {
  store: Store;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** The scheduler's clock; default the system's. Tests move a manual one. */
  clock?: TimerClock;
}): Installation {
  const { store, logger } = options;
  const notifier = new Notifier({ store, logger, webhooks: webhookTargetsFromEnv(options.env) });
  const state: { scheduler?: Scheduler } = {};

  const hooks: ServiceHooks = {
    runFinished: async ({ flow, run }) => {
      await notifier.runFinished(flow, run);
    },
    credentialTested: async ({ credentialId, result }) => {
      await notifier.credentialTestFailed(await store.getCredential(credentialId), result);
    },
    flowSaved: ({ flow }) => state.scheduler?.refresh(flow.id),
    flowDeleted: ({ flow }) => state.scheduler?.refresh(flow.id),
  };

  return {
    hooks,
    start: async (runs) => {
      state.scheduler = new Scheduler({
        store,
        logger,
        startRun: (id) => startRun(store, runs, id),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
      await state.scheduler.start();
      notifier.start();
    },
    stopScheduling: async () => {
      await state.scheduler?.stop();
    },
    stopNotifying: () => notifier.stop(),
    idle: async () => {
      await state.scheduler?.idle();
    },
  };
}

async function startRun(store: Store, runs: RunExecutor, flowId: string): Promise<StartRunResult> {
  try {
    const run = await runs.start(await store.getFlow(flowId), 'schedule');
    return { run_id: run.id };
  } catch (error) {
    if (error instanceof FlowLockedError) return { skipped: 'running' };
    throw error;
  }
}
