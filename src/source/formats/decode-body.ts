import { Readable, type Transform, pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';

import { ParseError } from '../../errors/errors.js';
import { errorText } from './body-head.js';

type Encoding = 'gzip' | 'deflate' | 'br';

const ALIASES: Readonly<Record<string, Encoding | 'identity'>> = {
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
  identity: 'identity',
};

/**
 * Decompresses a body as it streams. `contentEncoding` is the Content-Encoding header (`gzip`,
 * `x-gzip`, `deflate`, `br`, `identity`, or a comma list of them, applied in order by the server).
 * A body starting with the gzip magic bytes (1f 8b) is gunzipped even when the header is missing,
 * since some servers send gzip files without saying so; a body labelled gzip that does not start
 * with them is passed through, since something on the way already decoded it. `deflate` accepts
 * both the zlib-wrapped form the standard asks for and the raw form some servers send.
 * A corrupt or truncated compressed body is a ParseError; an unknown encoding too.
 */
export function decodeBody(
  body: AsyncIterable<Uint8Array>,
  contentEncoding?: string,
): AsyncIterable<Uint8Array> {
  const encodings = parseEncodings(contentEncoding);

  let decoded: AsyncIterable<Uint8Array> = body;
  for (const encoding of encodings.reverse()) decoded = decodeOne(decoded, encoding);

  return encodings.length === 0 ? gunzipIfMagic(decoded) : decoded;
}

function parseEncodings(header: string | undefined): Encoding[] {
  const names = (header ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');

  const encodings: Encoding[] = [];
  for (const name of names) {
    const encoding = ALIASES[name];
    if (encoding === undefined) throw new ParseError(`unsupported content encoding "${name}"`);
    if (encoding !== 'identity') encodings.push(encoding);
  }
  return encodings;
}

async function* decodeOne(
  body: AsyncIterable<Uint8Array>,
  encoding: Encoding,
): AsyncGenerator<Uint8Array> {
  const { head, rest } = await peekBytes(body, 2);
  if (encoding === 'gzip' && !isGzip(head)) {
    yield* rest;
    return;
  }

  yield* inflate(rest, chooseTransform(encoding, head), encoding);
}

async function* gunzipIfMagic(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const { head, rest } = await peekBytes(body, 2);
  yield* isGzip(head) ? inflate(rest, createGunzip(), 'gzip') : rest;
}

function chooseTransform(encoding: Encoding, head: Uint8Array): Transform {
  if (encoding === 'gzip') return createGunzip();
  if (encoding === 'br') return createBrotliDecompress();
  return isZlibHeader(head) ? createInflate() : createInflateRaw();
}

function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** RFC 1950: compression method 8 in the low nibble, and the first two bytes a multiple of 31. */
function isZlibHeader(head: Uint8Array): boolean {
  const [cmf, flg] = [head[0], head[1]];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

async function* inflate(
  body: AsyncIterable<Uint8Array>,
  transform: Transform,
  encoding: Encoding,
): AsyncGenerator<Uint8Array> {
  // The callback form keeps a failed source from becoming an unhandled rejection: the error
  // reaches the consumer through the destroyed transform instead.
  pipeline(Readable.from(body), transform, () => undefined);

  try {
    for await (const chunk of transform) yield chunk as Uint8Array;
  } catch (error) {
    if (!isZlibError(error)) throw error;
    throw new ParseError(`the ${encoding} body is truncated or corrupt (${errorText(error)})`, {
      cause: error,
      details: { encoding },
    });
  }
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Reads until at least `count` bytes (or the end) have arrived, so a one-byte first chunk cannot
 * hide a magic number; `rest` replays everything read, then the remainder.
 */
async function peekBytes(
  body: AsyncIterable<Uint8Array>,
  count: number,
): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const iterator = body[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let length = 0;

  while (length < count) {
    const next = await iterator.next();
    if (next.done === true) break;
    seen.push(next.value);
    length += next.value.length;
  }

  return { head: Buffer.concat(seen).subarray(0, count), rest: replay(seen, iterator) };
}

async function* replay(
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
