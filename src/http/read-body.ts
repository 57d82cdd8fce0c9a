import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

import { ResponseTooLargeError } from '../errors/errors.js';

const decoders = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
} as const;

export interface ReadBodyOptions {
  /** Largest body accepted, on the wire and decoded. */
  maxBodyBytes: number;
  /** Content-Length and Content-Encoding, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** Called with each chunk's size as it arrives (the `bytes` counter). */
  onBytes: (count: number) => void;
  /** For the "too large" message. */
  describe: () => string;
}

/** A body that ended before its declared length, or whose compression stream is cut. */
export class TruncatedBodyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TruncatedBodyError';
  }
}

// Bodies read here are buffered whole (error answers, token answers); page bodies stream through
// `consumeBody` instead (see send-attempt.ts).

/**
 * Reads a whole body into memory, refusing more than `maxBodyBytes` (wire or decoded), and decodes
 * gzip / deflate / br. A short body (fewer bytes than Content-Length, or a cut compression stream)
 * is a TruncatedBodyError, which the caller retries.
 */
export async function readBody(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy?: (error?: Error) => void },
  options: ReadBodyOptions,
): Promise<Buffer> {
  const declared = Number(options.headers['content-length'] ?? Number.NaN);
  if (declared > options.maxBodyBytes) {
    body.destroy?.();
    throw tooLarge(options);
  }

  const raw = await collect(body, options);
  if (Number.isFinite(declared) && raw.length < declared) {
    throw new TruncatedBodyError(`body ended after ${raw.length} of ${declared} bytes`);
  }
  return decode(raw, options);
}

async function collect(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy?: (error?: Error) => void },
  options: ReadBodyOptions,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    options.onBytes(chunk.length);
    if (total > options.maxBodyBytes) {
      body.destroy?.();
      throw tooLarge(options);
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }
  return Buffer.concat(chunks, total);
}

async function decode(raw: Buffer, options: ReadBodyOptions): Promise<Buffer> {
  const encoding = (options.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity' || raw.length === 0) return raw;

  const decoder = (decoders as Record<string, typeof decoders.gzip | undefined>)[encoding];
  // TODO(#3): stacked encodings ("gzip, br") are passed through undecoded.
  if (decoder === undefined) return raw;

  try {
    return await decoder(raw, { maxOutputLength: options.maxBodyBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(options);
    throw new TruncatedBodyError(`the ${encoding} body could not be decoded`, { cause: error });
  }
}

function tooLarge(options: ReadBodyOptions): ResponseTooLargeError {
  return new ResponseTooLargeError(
    `${options.describe()}: the body exceeds the limit of ${options.maxBodyBytes} bytes`,
    { details: { maxBodyBytes: options.maxBodyBytes } },
  );
}
