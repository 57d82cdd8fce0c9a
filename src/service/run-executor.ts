import { createDestination } from '../destinations/create-destination.js';
import type { EngineServices } from '../engine/engine-services.js';
import { acquireRunLock } from '../engine/run-lock.js';
import { runFlow } from '../engine/run-flow.js';
import { emptyCounts, type RunSummary } from '../engine/run-summary.js';
import { FlowLockedError, StoreConflictError } from '../errors/errors.js';
import { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { FlowRecord, RunRecord, RunStatus, RunTrigger, Store } from '../store/store.js';
import type { CredentialService } from './credential-service.js';
import { emitHook } from './emit-hook.js';
import type { FlowService } from './flow-service.js';
import { RunLogSink } from './run-log-sink.js';
import type { ServiceHooks } from './service-hooks.js';

export interface RunExecutorOptions {
  store: Store;
  services: EngineServices;
  flows: FlowService;
  credentials: CredentialService;
  hooks: ServiceHooks;
  logger: Logger;
  /** Holds the run locks (shared with `hotjar-flow run`) and the state of file destinations. */
  dataDir: string;
  /** Written as `claimed_by` on the runs this process executes. */
  instance: string;
  /** Progress (counts, heartbeat) written at most this often; default 1,000 ms. */
  progressEveryMs?: number;
}

interface ActiveRun {
  runId: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs flows inside the service, one run per flow at a time: a second request while one runs is
 * refused with FLOW_LOCKED (409), as is a flow a `hotjar-flow run` process holds. Each run moves
 * queued → running → succeeded / failed / cancelled in the store, with its counts and its log.
 *
 * TODO(#6): a run left `running` by a process that died stays so (and blocks deleting its flow);
 * nothing settles such runs at start yet.
 */
export class RunExecutor {
  private readonly active = new Map<string, ActiveRun | null>();

  constructor(private readonly options: RunExecutorOptions) {}

  /** Runs currently executing in this process. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Creates the run and starts it in the background; resolves once it is recorded. */
  async start(flow: FlowRecord, trigger: RunTrigger): Promise<RunRecord> {
    if (this.active.has(flow.id)) throw lockedError(flow.name);
    this.active.set(flow.id, null);

    try {
      const run = await this.options.store.createRun({
        flow_id: flow.id,
        trigger,
        claimed_by: this.options.instance,
      });
      const controller = new AbortController();
      const done = this.execute(flow, run, controller.signal).catch((error: unknown) =>
        this.options.logger.error({ err: error, run: run.id }, 'run bookkeeping failed'),
      );
      this.active.set(flow.id, { runId: run.id, controller, done });
      void done.finally(() => this.active.delete(flow.id));
      return run;
    } catch (error) {
      this.active.delete(flow.id);
      throw error;
    }
  }

  /** Cancels a queued or running run; CONFLICT when it has already finished. */
  async cancel(runId: string): Promise<RunRecord> {
    const run = await this.options.store.getRun(runId);
    const active = [...this.active.values()].find((a) => a?.runId === runId);
    if (active !== undefined && active !== null) {
      active.controller.abort();
      await active.done;
      return this.options.store.getRun(runId);
    }

    if (run.status === 'queued' || run.status === 'running') {
      // Not ours (another process, or one that died): the record is all there is to settle.
      return this.options.store.updateRun(runId, {
        status: 'cancelled',
        finished_at: new Date().toISOString(),
        error: { code: 'RUN_CANCELLED', message: 'the run was cancelled' },
      });
    }
    throw new StoreConflictError(`run ${runId} has already finished (${run.status})`, {
      details: { status: run.status },
    });
  }

  /** Resolves when the run (if it is executing here) has finished and been recorded. */
  async settled(runId: string): Promise<void> {
    const active = [...this.active.values()].find((a) => a?.runId === runId);
    await active?.done;
  }

  /**
   * For shutdown: lets running runs finish for up to `graceMs`, then cancels the rest and waits
   * for them to be recorded as cancelled.
   */
  async drain(graceMs: number): Promise<void> {
    const all = () => [...this.active.values()].flatMap((a) => (a === null ? [] : [a.done]));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(all()), grace]);
    clearTimeout(timer);

    for (const active of this.active.values()) active?.controller.abort();
    await Promise.all(all());
  }

  private async noteCredentialsUsed(flow: FlowRecord): Promise<void> {
    for (const id of flow.credential_ids) {
      await this.options.credentials.noteFirstUse(id).catch((error: unknown) => {
        this.options.logger.warn({ err: error, credential: id }, 'could not note the first use');
      });
    }
  }

  private async execute(flow: FlowRecord, queued: RunRecord, signal: AbortSignal): Promise<void> {
    const sink = new RunLogSink(this.options.store, queued.id, this.options.logger);
    const runLogger = createLogger({ level: 'info', destination: sink });
    await this.options.store.updateRun(queued.id, {
      status: 'running',
      started_at: new Date().toISOString(),
      heartbeat_at: new Date().toISOString(),
    });

    const summary = await this.runOnce(flow, queued.id, signal, runLogger);
    await sink.flush();
    const status: RunStatus = signal.aborted ? 'cancelled' : summary.status;
    const run = await this.options.store.updateRun(queued.id, {
      status,
      finished_at: new Date().toISOString(),
      duration_ms: summary.duration_ms,
      counts: summary.counts,
      warnings: summary.warnings,
      error: summary.error,
    });

    this.options.logger.info({ flow: flow.name, run: run.id, status }, 'run finished');
    if (status === 'succeeded') await this.noteCredentialsUsed(flow);
    const previousStatus = await this.previousStatus(flow.id, run.id);
    await emitHook(
      this.options.hooks,
      'runFinished',
      { flow, run, previousStatus },
      this.options.logger,
    );
  }

  /** One engine run with the flow's lock held; never throws (a failure is in the summary). */
  private async runOnce(
    flow: FlowRecord,
    runId: string,
    signal: AbortSignal,
    logger: Logger,
  ): Promise<RunSummary> {
    const started = Date.now();
    const progress = this.progressWriter(runId);
    let release: (() => void) | undefined;
    try {
      release = await acquireRunLock({ dataDir: this.options.dataDir, flow: flow.name });
      const config = this.options.flows.configForRun(flow);
      const destination = createDestination(config.destination, {
        dataDir: this.options.dataDir,
        logger,
      });
      try {
        return await runFlow({
          flow: config,
          services: this.options.services,
          destination,
          logger,
          signal,
          runId,
          resolveCredential: async (reference) =>
            this.options.credentials.decrypt(await this.options.credentials.resolve(reference)),
          onProgress: progress.update,
        });
      } finally {
        await destination.close();
      }
    } catch (error) {
      logger.error({ err: error }, 'run could not start');
      return failedSummary(flow.name, runId, Date.now() - started, error);
    } finally {
      release?.();
      await progress.idle();
    }
  }

  /** Writes counts and a heartbeat, at most once per interval, never two writes at once. */
  private progressWriter(runId: string): {
    update: (summary: RunSummary) => void;
    idle: () => Promise<void>;
  } {
    const every = this.options.progressEveryMs ?? 1000;
    let last = 0;
    let writing: Promise<void> | undefined;
    const update = (summary: RunSummary): void => {
      const now = Date.now();
      if (writing !== undefined || now - last < every) return;

      last = now;
      const patch = { counts: { ...summary.counts }, heartbeat_at: new Date(now).toISOString() };
      writing = this.options.store
        .updateRun(runId, patch)
        .then(
          () => undefined,
          (error: unknown) =>
            this.options.logger.warn({ err: error, run: runId }, 'progress write failed'),
        )
        .finally(() => (writing = undefined));
    };
    // The final record must not be overtaken by a progress write still on its way.
    return { update, idle: () => writing ?? Promise.resolve() };
  }

  private async previousStatus(flowId: string, runId: string): Promise<RunStatus | null> {
    const page = await this.options.store.listRunsByFlow(flowId, { limit: 2 });
    return page.items.find((r) => r.id !== runId)?.status ?? null;
  }
}

function lockedError(flowName: string): FlowLockedError {
  return new FlowLockedError(`flow "${flowName}" is already running`, {
    details: { flow: flowName },
  });
}

function failedSummary(flow: string, runId: string, ms: number, error: unknown): RunSummary {
  const known = error instanceof HotjarFlowError;
  return {
    status: 'failed',
    run_id: runId,
    flow,
    duration_ms: ms,
    counts: emptyCounts(),
    warnings: [],
    error: known
      ? error.toJSON()
      : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
  };
}
