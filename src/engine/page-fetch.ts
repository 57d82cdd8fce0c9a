import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';

import type { FlowRecord } from '../destinations/destination.js';
import { PaginationStalledError } from '../errors/errors.js';
import { redactUrl } from '../http/redact-secrets.js';
import type { HttpRequest, HttpResponse, ResponseHead } from '../http/http-types.js';
import { parsePage } from '../source/parse-page.js';
import type { StepPlan } from '../source/source-plan.js';
import type { PageReaderContext } from './page-reader.js';

/** Bodies up to this size are read whole and parsed natively: the fast path of ordinary pages. */
export const WHOLE_BODY_BYTES = 1024 * 1024;
/** Records handed on at a time from a streamed body; each becomes one batch. */
export const STREAM_CHUNK_RECORDS = 1000;

export interface FetchedPage {
  head: ResponseHead;
  /** The parsed body without its records, for pagination paths. */
  envelope: unknown;
  /** A hash of the raw body, for the repeated-page guard. */
  hash: string;
  /** A hash of the body's first megabyte: a streamed page is compared by it before any record goes out. */
  prefixHash: string;
  recordCount: number;
  /** The records of a page read whole; empty when they were streamed as chunks. */
  records: FlowRecord[];
}

/** One page request in flight: record chunks while a large body streams, then the page itself. */
export interface PageFetch {
  chunks: AsyncIterable<FlowRecord[]>;
  finished: Promise<FetchedPage>;
}

/**
 * Sends a page request. A body with a small Content-Length is read whole and parsed in one go; any
 * other body is parsed as it arrives and its records come out in chunks before it ends, so memory
 * stays bounded whatever the page size. When a streamed body breaks and the request is retried,
 * the records already handed on are skipped in the new answer.
 */
export function startPageFetch(
  context: PageReaderContext,
  step: StepPlan,
  request: HttpRequest,
  /** The previous page's prefix hash: a streamed page that repeats it fails before writing. */
  previousPrefixHash = '',
): PageFetch {
  const channel = new PassThrough({ objectMode: true, highWaterMark: 1 });
  // A page fetched ahead may fail after the reader stopped (another survey failed, the run was
  // cancelled): nobody reads the channel then, and its error must not become an uncaught one.
  // A reader that is iterating still gets the error from the iterator.
  channel.on('error', () => undefined);
  let delivered = 0;
  let result: FetchedPage | undefined;

  const consumeBody = async (
    head: ResponseHead,
    body: AsyncIterable<Uint8Array>,
  ): Promise<void> => {
    const start = await readPrefix(body, WHOLE_BODY_BYTES);
    if (!start.ended && start.prefixHash === previousPrefixHash) {
      throw new PaginationStalledError(
        `pagination is not advancing at ${redactUrl(head.url)}: the page repeats the previous one`,
        { details: { reason: 'repeated page' } },
      );
    }
    result = start.ended
      ? await readWhole(head, start.chunks, request, step)
      : await readStreamed({
          head,
          body: start.chunks,
          step,
          channel,
          skip: delivered,
          onDelivered: (n) => (delivered += n),
          prefixHash: start.prefixHash,
        });
  };

  const started = performance.now();
  const finished = context.http
    .send(request, {
      auth: context.auth,
      budget: context.budget,
      counters: context.counters,
      signal: context.signal,
      maxBodyBytes: context.maxResponseBytes,
      logger: context.logger,
      consumeBody,
      ...(context.retry === undefined ? {} : { retry: context.retry }),
    })
    .then((response: HttpResponse) => {
      context.onExchange?.(request, response, performance.now() - started);
      channel.end();
      if (result === undefined) throw new Error('the page body was not read');
      return result;
    })
    .catch((error: unknown) => {
      channel.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    });
  // The reader may stop before awaiting it; its failure then must not surface as unhandled.
  finished.catch(() => undefined);

  return { chunks: channel, finished };
}

/**
 * What tells a page from the one before it: its length and both ends. Two different pages of
 * records differ there (their first and last records), and hashing 8 KB instead of the whole body
 * keeps the guard off the hot path.
 */
function fingerprint(raw: Buffer): string {
  const hash = createHash('sha1').update(String(raw.length));
  if (raw.length <= 8192) return hash.update(raw).digest('hex');
  return hash
    .update(raw.subarray(0, 4096))
    .update(raw.subarray(raw.length - 4096))
    .digest('hex');
}

/**
 * Reads up to `limit` bytes: whether the body ended within them decides between the fast path and
 * streaming, whatever the Content-Length header says (chunked answers have none).
 */
async function readPrefix(
  body: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<{ ended: boolean; chunks: AsyncIterable<Uint8Array>; prefixHash: string }> {
  const iterator = body[Symbol.asyncIterator]();
  const prefix: Uint8Array[] = [];
  const hash = createHash('sha1');
  let size = 0;
  while (size <= limit) {
    const next = await iterator.next();
    if (next.done === true) {
      return { ended: true, chunks: fromArray(prefix), prefixHash: hash.digest('hex') };
    }
    prefix.push(next.value);
    hash.update(next.value);
    size += next.value.length;
  }
  return { ended: false, chunks: prefixed(prefix, iterator), prefixHash: hash.digest('hex') };
}

async function* fromArray(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield await Promise.resolve(chunk);
}

async function* prefixed(
  prefix: Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* prefix;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
}

async function readWhole(
  head: ResponseHead,
  body: AsyncIterable<Uint8Array>,
  request: HttpRequest,
  step: StepPlan,
): Promise<FetchedPage> {
  const parts: Uint8Array[] = [];
  const encoding = head.headers['content-encoding'];
  // The streaming parsers load only for the bodies that need them: start-up stays light.
  const decoded =
    encoding === undefined
      ? body
      : (await import('../source/formats/decode-body.js')).decodeBody(body, encoding);
  for await (const chunk of decoded) parts.push(chunk);
  const raw = Buffer.concat(parts);

  const response: HttpResponse = { ...head, body: raw };
  const { records, body: envelope } = await parsePage(response, request, step);
  const hash = fingerprint(raw);
  return { head, envelope, hash, prefixHash: hash, recordCount: records.length, records };
}

interface StreamedRead {
  head: ResponseHead;
  body: AsyncIterable<Uint8Array>;
  step: StepPlan;
  channel: PassThrough;
  /** Records of this page already handed on by an earlier attempt. */
  skip: number;
  onDelivered: (count: number) => void;
  prefixHash: string;
}

async function readStreamed(read: StreamedRead): Promise<FetchedPage> {
  const hash = createHash('sha1');
  const { parseRecords } = await import('../source/formats/parse-records.js');
  const parsed = parseRecords(tap(read.body, hash), {
    format: read.step.format,
    records: read.step.records,
    csv: read.step.csv,
    xml: read.step.xml,
    contentEncoding: read.head.headers['content-encoding'],
  });

  let index = 0;
  let chunk: FlowRecord[] = [];
  for await (const record of parsed) {
    if (index++ < read.skip) continue;
    chunk.push(record);
    if (chunk.length >= STREAM_CHUNK_RECORDS) {
      await handOn(read, chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await handOn(read, chunk);

  const envelope = read.step.format === 'json' ? parsed.envelope() : undefined;
  return {
    head: read.head,
    envelope,
    hash: hash.digest('hex'),
    prefixHash: read.prefixHash,
    recordCount: index,
    records: [],
  };
}

async function handOn(read: StreamedRead, chunk: FlowRecord[]): Promise<void> {
  if (!read.channel.write(chunk))
    await new Promise((resolve) => read.channel.once('drain', resolve));
  read.onDelivered(chunk.length);
}

async function* tap(
  body: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    hash.update(chunk);
    yield chunk;
  }
}
