import { createHash } from 'node:crypto';

import { PaginationStalledError } from '../errors/errors.js';
import type { HttpClient } from '../http/http-client.js';
import type { Authenticator, HttpCounters, HttpRequest, HttpResponse } from '../http/http-types.js';
import type { RateBudget } from '../http/rate-budget.js';
import type { RetryOptions } from '../http/retry-policy.js';
import type { Logger } from '../log/logger.js';
import { parsePage } from '../source/parse-page.js';
import { createPaginator } from '../source/pagination/create-paginator.js';
import type { PageRequest } from '../source/pagination/paginator.js';
import { buildRequest } from '../source/request-builder.js';
import type { StepPlan } from '../source/source-plan.js';
import type { FlowRecord } from '../destinations/destination.js';

/** What the page reader needs from the run around it. */
export interface PageReaderContext {
  http: HttpClient;
  auth: Authenticator;
  budget: RateBudget | null;
  counters: HttpCounters;
  logger: Logger;
  signal: AbortSignal;
  maxResponseBytes: number;
  retry?: Partial<RetryOptions>;
  /** Called once per page request, for the Test button's request log. */
  onExchange?: (request: HttpRequest, response: HttpResponse, ms: number) => void;
}

export interface ReadStepOptions {
  step: StepPlan;
  vars: Readonly<Record<string, unknown>>;
  maxPages: number;
  /** Extra request values (the incremental bookmark parameter). */
  extra?: { query?: Record<string, string>; body?: Record<string, string> };
  /** True when a page's records end the pass (an incremental bookmark was reached). */
  isLast?: (records: readonly FlowRecord[]) => boolean;
}

export interface Page {
  records: FlowRecord[];
  number: number;
  url: string;
  /** The stream ended because max_pages was reached, not because the API said so. */
  truncatedByMaxPages: boolean;
}

/**
 * Reads one pass of a step, page by page. The next page is requested as soon as its cursor is
 * known, so it is in flight while the caller writes the current one; it is not requested when the
 * current page ends the pass. The no-progress guard stops a repeated cursor or URL (cycles
 * included) before it is sent, and a page identical to the one before it.
 */
export async function* readStep(
  context: PageReaderContext,
  options: ReadStepOptions,
): AsyncGenerator<Page> {
  const paginator = createPaginator(options.step.pagination);
  const seenRequests = new Set<string>();
  let previousHash = '';
  let pageRequest: PageRequest = paginator.first();
  let pending = fetchPage(context, options, pageRequest);

  for (let number = 1; ; number++) {
    seenRequests.add(requestKey(pageRequest));
    const { response, records, body } = await pending;

    const hash = createHash('sha1').update(response.body).digest('hex');
    if (hash === previousHash && records.length > 0) {
      throw stalled('the same page came back twice', response.url, number);
    }
    previousHash = hash;

    const last = options.isLast?.(records) === true;
    const outcome = last
      ? { kind: 'end' as const }
      : paginator.next({
          body,
          headers: response.headers,
          recordCount: records.length,
          url: response.url,
        });
    if (outcome.kind === 'stalled') throw stalled(outcome.reason, response.url, number);

    const atLimit = outcome.kind === 'next' && number >= options.maxPages;
    if (outcome.kind === 'next' && !atLimit) {
      if (seenRequests.has(requestKey(outcome.request))) {
        throw stalled(
          'the API returned a cursor (or page link) it had already returned',
          response.url,
          number,
        );
      }
      pageRequest = outcome.request;
      pending = fetchPage(context, options, pageRequest);
      // The caller may stop before awaiting it; its failure then must not surface as unhandled.
      pending.catch(() => undefined);
    }

    yield { records, number, url: response.url, truncatedByMaxPages: atLimit };
    if (outcome.kind !== 'next' || atLimit) return;
  }
}

async function fetchPage(
  context: PageReaderContext,
  options: ReadStepOptions,
  page: PageRequest,
): Promise<{ response: HttpResponse; records: FlowRecord[]; body: unknown }> {
  const request = buildRequest({
    template: options.step.request,
    vars: options.vars,
    page,
    ...(options.extra === undefined ? {} : { extra: options.extra }),
  });

  const started = performance.now();
  const response = await context.http.send(request, {
    auth: context.auth,
    budget: context.budget,
    counters: context.counters,
    signal: context.signal,
    maxBodyBytes: context.maxResponseBytes,
    logger: context.logger,
    ...(context.retry === undefined ? {} : { retry: context.retry }),
  });
  context.onExchange?.(request, response, performance.now() - started);

  const { records, body } = await parsePage(response, request, options.step);
  return { response, records, body };
}

function requestKey(page: PageRequest): string {
  return JSON.stringify([page.url ?? '', page.query ?? {}, page.headers ?? {}, page.body ?? {}]);
}

function stalled(reason: string, url: string, page: number): PaginationStalledError {
  const where = new URL(url);
  where.search = '';
  return new PaginationStalledError(
    `pagination is not advancing at page ${page} of ${where.toString()}: ${reason}`,
    {
      details: { page, reason },
    },
  );
}
