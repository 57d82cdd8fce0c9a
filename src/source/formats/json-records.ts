import type { FlowRecord } from '../../destinations/destination.js';
import { HotjarFlowError } from '../../errors/hotjar-flow-error.js';
import { parseJsonExact } from '../../json/exact-json.js';
import { queryPath } from '../json-path.js';
import { errorText, parseFailure, type ParseFailureContext } from './body-head.js';
import { ExactNumberTokenizer } from './exact-number-tokenizer.js';
import { JsonRecordAssembler, JsonShapeError } from './json-record-assembler.js';
import { parseRecordsPath, type RecordsPath } from './records-path.js';
import { selectRecords } from './select-records.js';

/** Bodies up to this size (decoded bytes) may be read whole and parsed natively. */
export const DEFAULT_FAST_PATH_BYTES = 1024 * 1024;

export interface JsonRecordsOptions {
  /** JSONPath to the records; absent: `$`. */
  records?: string | undefined;
  /** The declared Content-Length, when the server sent one. */
  contentLength?: number | undefined;
  /** Default DEFAULT_FAST_PATH_BYTES. */
  fastPathBytes?: number | undefined;
  context: ParseFailureContext;
  /** Receives the envelope once the body has been read. */
  onEnvelope: (envelope: unknown) => void;
}

/**
 * Records of a JSON body, in order. A body whose Content-Length says it is small (≤ 1 MiB by
 * default) is read whole and parsed natively, which is several times faster than tokenizing;
 * should it turn out larger after decoding, parsing switches to streaming. Any other body is
 * tokenized as it arrives: each record is handed on as soon as it is complete, and memory follows
 * one record. A records path beyond plain member names (filters, recursive descent) needs the
 * whole body and is evaluated by jsonpath-plus. Integers beyond 2^53 come out as bigint.
 */
export async function* parseJsonRecords(
  body: AsyncIterable<Uint8Array>,
  options: JsonRecordsOptions,
): AsyncGenerator<FlowRecord> {
  const path = parseRecordsPath(options.records);
  if (path === undefined) {
    const whole = await readUpTo(body[Symbol.asyncIterator](), Number.POSITIVE_INFINITY);
    yield* parseWhole(Buffer.concat(whole.chunks), options, undefined);
    return;
  }

  const limit = options.fastPathBytes ?? DEFAULT_FAST_PATH_BYTES;
  const small = options.contentLength !== undefined && options.contentLength <= limit;
  if (!small) {
    yield* streamRecords(body, path, options);
    return;
  }

  const iterator = body[Symbol.asyncIterator]();
  const start = await readUpTo(iterator, limit);
  if (start.complete) yield* parseWhole(Buffer.concat(start.chunks), options, path);
  else yield* streamRecords(continueWith(start.chunks, iterator), path, options);
}

async function* streamRecords(
  body: AsyncIterable<Uint8Array>,
  path: RecordsPath,
  options: JsonRecordsOptions,
): AsyncGenerator<FlowRecord> {
  const ready: FlowRecord[] = [];
  const assembler = new JsonRecordAssembler(path, (record) => ready.push(record));
  const tokenizer = new ExactNumberTokenizer();
  tokenizer.onToken = (token) => assembler.write(token);

  for await (const chunk of body) {
    guard(options.context, () => tokenizer.write(chunk));
    yield* ready.splice(0);
  }

  guard(options.context, () => {
    tokenizer.end();
    assembler.end();
  });
  yield* ready.splice(0);
  options.onEnvelope(assembler.envelope());
}

function* parseWhole(
  bytes: Buffer,
  options: JsonRecordsOptions,
  path: RecordsPath | undefined,
): Generator<FlowRecord> {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const body = guard(options.context, () => {
    if (text.trim() === '') throw new JsonShapeError('the body is empty');
    return parseJsonExact(text);
  });

  if (path === undefined) {
    yield* queryPath(body, options.records ?? '$').filter(isRecord);
    options.onEnvelope(body);
    return;
  }

  const { records, envelope } = guard(options.context, () => selectRecords(body, path));
  yield* records;
  options.onEnvelope(envelope);
}

/** Runs a parser step; a grammar or shape failure becomes a ParseError showing the body's start. */
function guard<T>(context: ParseFailureContext, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof HotjarFlowError) throw error;
    throw parseFailure(context, errorText(error), error);
  }
}

async function readUpTo(
  iterator: AsyncIterator<Uint8Array>,
  limit: number,
): Promise<{ chunks: Uint8Array[]; complete: boolean }> {
  const chunks: Uint8Array[] = [];
  let length = 0;

  while (length <= limit) {
    const next = await iterator.next();
    if (next.done === true) return { chunks, complete: true };
    chunks.push(next.value);
    length += next.value.length;
  }
  return { chunks, complete: false };
}

async function* continueWith(
  seen: readonly Uint8Array[],
  iterator: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* seen;

  try {
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

function isRecord(value: unknown): value is FlowRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
