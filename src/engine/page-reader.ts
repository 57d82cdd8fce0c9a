import { PaginationStalledError } from '../errors/errors.js';
import type { HttpClient } from '../http/http-client.js';
import type { Authenticator, HttpCounters, HttpRequest, HttpResponse } from '../http/http-types.js';
import type { RateBudget } from '../http/rate-budget.js';
import type { RetryOptions } from '../http/retry-policy.js';
import type { Logger } from '../log/logger.js';
import { createPaginator } from '../source/pagination/create-paginator.js';
import type { PageOutcome, PageRequest } from '../source/pagination/paginator.js';
import { buildRequest } from '../source/request-builder.js';
import type { StepPlan } from '../source/source-plan.js';
import type { FlowRecord } from '../destinations/destination.js';
import { startPageFetch, type PageFetch } from './page-fetch.js';

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
  /** Adds a warning to the run's summary. */
  warn?: (message: string) => void;
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
  /** False for a chunk of a large page whose body is still arriving; true for the page's end. */
  final: boolean;
  /** The body around the records, once known (whole pages: with their records). */
  envelope?: unknown;
  /** The stream ended because max_pages was reached, not because the API said so. */
  truncatedByMaxPages: boolean;
}

/**
 * Reads one pass of a step, page by page. The next page is requested as soon as its cursor is
 * known, so it is in flight while the caller writes the current one; it is not requested when the
 * current page ends the pass. A large page comes out in chunks while its body arrives, then as a
 * final piece. The no-progress guard stops a repeated cursor or URL (cycles included) before it is
 * sent, and a page identical to the one before it.
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
    let reached = false;
    for await (const chunk of pending.chunks) {
      reached ||= options.isLast?.(chunk) === true;
      yield { records: chunk, number, final: false, truncatedByMaxPages: false };
    }
    const page = await pending.finished;

    if (page.hash === previousHash && page.recordCount > 0) {
      throw stalled('the same page came back twice', page.head.url, number);
    }
    previousHash = page.hash;

    reached ||= options.isLast?.(page.records) === true;
    const outcome: PageOutcome = reached
      ? { kind: 'end' }
      : paginator.next({
          body: page.envelope,
          headers: page.head.headers,
          recordCount: page.recordCount,
          url: page.head.url,
        });
    if (outcome.kind === 'stalled') throw stalled(outcome.reason, page.head.url, number);
    if (outcome.kind === 'end' && outcome.warning !== undefined) context.warn?.(outcome.warning);

    const atLimit = outcome.kind === 'next' && number >= options.maxPages;
    if (outcome.kind === 'next' && !atLimit) {
      if (seenRequests.has(requestKey(outcome.request))) {
        throw stalled(
          'the API returned a cursor (or page link) it had already returned',
          page.head.url,
          number,
        );
      }
      pageRequest = outcome.request;
      pending = fetchPage(context, options, pageRequest, page.prefixHash);
    }

    yield {
      records: page.records,
      number,
      final: true,
      truncatedByMaxPages: atLimit,
      envelope: page.envelope,
    };
    if (outcome.kind !== 'next' || atLimit) return;
  }
}

function fetchPage(
  context: PageReaderContext,
  options: ReadStepOptions,
  page: PageRequest,
  previousPrefixHash?: string,
): PageFetch {
  const request = buildRequest({
    template: options.step.request,
    vars: options.vars,
    page,
    ...(options.extra === undefined ? {} : { extra: options.extra }),
  });
  return startPageFetch(context, options.step, request, previousPrefixHash);
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
