import { randomUUID } from 'node:crypto';

import type { CredentialConfig } from '../auth/credential-config.js';
import type { Destination, FlowRecord } from '../destinations/destination.js';
import { ConfigError, RunCancelledError } from '../errors/errors.js';
import { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import type { HttpRequest, HttpResponse } from '../http/http-types.js';
import type { Logger } from '../log/logger.js';
import type { FlowConfig } from '../source/schema/flow-schema.js';
import type { SourcePlan } from '../source/source-plan.js';
import type { EngineServices } from './engine-services.js';
import { planSource } from './plan-source.js';
import { readPartitions } from './read-partitions.js';
import { emptyCounts, type RunSummary } from './run-summary.js';

export interface RunFlowOptions {
  flow: FlowConfig;
  services: EngineServices;
  destination: Destination;
  logger: Logger;
  signal?: AbortSignal;
  /** Looks a stored credential up by name. */
  resolveCredential?: (name: string) => Promise<CredentialConfig>;
  /** The Test button: this many pages per partition, first partition only, no state. */
  test?: { pages: number; partitions: number };
  onProgress?: (summary: RunSummary) => void;
  onExchange?: (request: HttpRequest, response: HttpResponse, ms: number) => void;
  runId?: string;
}

/**
 * Runs a flow once: plan the source, read every partition, write each page with its state, and
 * return the summary. Never throws for a run failure: the summary says `failed` with the error.
 */
export async function runFlow(options: RunFlowOptions): Promise<RunSummary> {
  const started = Date.now();
  const summary: RunSummary = {
    status: 'succeeded',
    run_id: options.runId ?? randomUUID(),
    flow: options.flow.name,
    duration_ms: 0,
    counts: emptyCounts(),
    warnings: [],
    error: null,
  };
  const logger = options.logger.child({ flow: summary.flow, run: summary.run_id });

  try {
    const plan = await planSource(
      options.flow,
      options.services.templates,
      options.resolveCredential,
    );
    logger.info({ source: plan.label, destination: options.flow.destination.type }, 'run started');
    await execute(plan, options, summary, logger);
  } catch (error) {
    summary.status = 'failed';
    summary.error = errorOf(error, options.signal);
    await options.destination
      .abort()
      .catch((abortError: unknown) => logger.error({ err: abortError }, 'abort failed'));
  } finally {
    summary.duration_ms = Date.now() - started;
  }

  const level = summary.status === 'succeeded' ? 'info' : 'error';
  logger[level](
    {
      status: summary.status,
      counts: summary.counts,
      duration_ms: summary.duration_ms,
      error: summary.error,
    },
    'run finished',
  );
  return summary;
}

async function execute(
  plan: SourcePlan,
  options: RunFlowOptions,
  summary: RunSummary,
  logger: Logger,
): Promise<void> {
  const { flow, destination } = options;
  const primaryKey = plan.primaryKey;
  await destination.open({
    flow: flow.name,
    runId: summary.run_id,
    write: flow.destination.write,
    primaryKey,
  });
  const state =
    options.test === undefined ? await destination.readState() : new Map<string, unknown>();

  await readPartitions({
    plan,
    services: options.services,
    destination,
    destinationSkipsKnownKeys: flow.destination.type === 'sqlite' && primaryKey.length > 0,
    state,
    summary,
    logger,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.test === undefined ? {} : { test: options.test }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.onExchange === undefined ? {} : { onExchange: options.onExchange }),
  });

  await destination.commit();
  for (const warning of summary.warnings) logger.warn({ warning }, 'run warning');
}

function errorOf(
  error: unknown,
  signal: AbortSignal | undefined,
): { code: string; message: string } {
  if (signal?.aborted === true) return new RunCancelledError().toJSON();
  if (error instanceof ConfigError) return { code: error.code, message: error.message };
  if (error instanceof HotjarFlowError) return error.toJSON();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

export type { FlowRecord };
