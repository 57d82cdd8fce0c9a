import { createAuthenticator } from '../auth/create-authenticator.js';
import type { Destination, FlowRecord } from '../destinations/destination.js';
import { RunCancelledError } from '../errors/errors.js';
import type { HttpRequest, HttpResponse } from '../http/http-types.js';
import type { RateBudget } from '../http/rate-budget.js';
import type { Logger } from '../log/logger.js';
import { expandMacros } from '../source/macros.js';
import { readPath, scalarText } from '../source/record-shaper.js';
import type { ParentPlan, SourcePlan } from '../source/source-plan.js';
import type { EngineServices } from './engine-services.js';
import { ConcurrencyPool } from './concurrency-pool.js';
import { readStep, type PageReaderContext } from './page-reader.js';
import { runPartition, type PartitionJob } from './partition-job.js';
import type { RunSummary } from './run-summary.js';

export interface ReadPartitionsOptions {
  plan: SourcePlan;
  services: EngineServices;
  destination: Destination;
  destinationSkipsKnownKeys: boolean;
  state: ReadonlyMap<string, unknown>;
  summary: RunSummary;
  logger: Logger;
  signal?: AbortSignal;
  test?: { pages: number; partitions: number };
  onProgress?: (summary: RunSummary) => void;
  onExchange?: (request: HttpRequest, response: HttpResponse, ms: number) => void;
}

/**
 * Reads every partition of a source: one, or one per parent record (every survey of a site),
 * `plan.concurrency` at a time within the origin's shared rate budget.
 */
export async function readPartitions(options: ReadPartitionsOptions): Promise<void> {
  const { plan, summary } = options;
  const controller = new AbortController();
  const stopOnSignal = (): void => controller.abort(new RunCancelledError());
  options.signal?.addEventListener('abort', stopOnSignal, { once: true });

  const reader = readerContext(options, controller.signal);
  const pool = new ConcurrencyPool(options.test === undefined ? plan.concurrency : 1, controller);
  const partitionOptions = {
    plan,
    reader,
    destination: options.destination,
    state: options.state,
    counts: summary.counts,
    warnings: summary.warnings,
    maxPages: options.test?.pages ?? plan.maxPages,
    commitState: options.test === undefined,
    destinationSkipsKnownKeys: options.destinationSkipsKnownKeys,
    onPage: () => {
      Object.assign(summary.counts, {
        requests: reader.counters.requests,
        retries: reader.counters.retries,
        bytes: reader.counters.bytes,
      });
      options.onProgress?.(summary);
    },
  };

  try {
    let started = 0;
    for await (const job of partitionJobs(plan, reader, summary)) {
      if (options.test !== undefined && started >= options.test.partitions) break;
      started += 1;
      await pool.add(() => runPartition(job, partitionOptions));
    }
    await pool.drain();
  } catch (error) {
    await pool.drain().catch(() => undefined);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stopOnSignal);
    Object.assign(summary.counts, {
      requests: reader.counters.requests,
      retries: reader.counters.retries,
      bytes: reader.counters.bytes,
    });
  }
}

function readerContext(
  options: ReadPartitionsOptions,
  signal: AbortSignal,
): PageReaderContext & { counters: { requests: number; retries: number; bytes: number } } {
  const { plan, services } = options;
  const budget = services.budgets.forOrigin(plan.baseUrl, plan.rateLimit);
  const auth = createAuthenticator(plan.credential, {
    http: services.http,
    baseUrl: plan.baseUrl,
    ...(plan.credentialUrls === undefined ? {} : { requestUrls: plan.credentialUrls }),
    logger: options.logger,
    tokenCaches: services.tokens,
    tokenBudget: tokenBudgetOf(plan, budget),
  });

  return {
    http: services.http,
    auth,
    budget,
    counters: { requests: 0, retries: 0, bytes: 0 },
    logger: options.logger,
    signal,
    maxResponseBytes: plan.maxResponseBytes,
    ...(services.retry === undefined ? {} : { retry: services.retry }),
    warn: (message: string) => {
      if (!options.summary.warnings.includes(message)) options.summary.warnings.push(message);
    },
    ...(options.onExchange === undefined ? {} : { onExchange: options.onExchange }),
  };
}

/** The token URL shares the data origin's budget only when it is on that origin (Hotjar's is). */
function tokenBudgetOf(plan: SourcePlan, budget: RateBudget | null): RateBudget | null {
  if (plan.credential.type !== 'oauth2_client_credentials') return budget;
  return new URL(plan.credential.token_url).origin === new URL(plan.baseUrl).origin ? budget : null;
}

/** The partitions to read: from the parent step's records, or the one partition of the source. */
async function* partitionJobs(
  plan: SourcePlan,
  reader: PageReaderContext,
  summary: RunSummary,
): AsyncGenerator<PartitionJob> {
  if (plan.parent === undefined) {
    yield {
      key: expandMacros(plan.partition, plan.params, { path: 'partition' }),
      vars: plan.params,
    };
    return;
  }

  for await (const parent of parentRecords(plan, plan.parent, reader, summary)) {
    const vars: Record<string, unknown> = { ...plan.params, parent };
    for (const [param, field] of Object.entries(plan.parent.bind)) {
      const value = readPath(parent, field);
      vars[param] = typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
    }
    yield { key: expandMacros(plan.partition, vars, { path: 'partition' }), vars, parent };
  }
}

async function* parentRecords(
  plan: SourcePlan,
  parent: ParentPlan,
  reader: PageReaderContext,
  summary: RunSummary,
): AsyncGenerator<FlowRecord> {
  const pages = readStep(reader, { step: parent, vars: plan.params, maxPages: plan.maxPages });
  const match = parent.matchParam;
  const wanted = match === undefined ? undefined : plan.params[match.param];

  for await (const page of pages) {
    if (page.final) summary.counts.pages += 1;
    for (const record of page.records) {
      if (
        match !== undefined &&
        wanted !== undefined &&
        scalarText(readPath(record, match.field)) !== scalarText(wanted)
      )
        continue;
      yield record;
    }
  }
}
