import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { ParseError } from '../../errors/errors.js';
import { decodeBody } from './decode-body.js';
import { chunksOf, collect } from './test-support/body-streams.js';

const TEXT = `{"text": "${'répété 😀 '.repeat(200)}"}`;

async function decoded(body: Buffer, encoding?: string, chunk = 1): Promise<string> {
  return Buffer.concat(await collect(decodeBody(chunksOf(body, chunk), encoding))).toString('utf8');
}

describe('decodeBody', () => {
  it('decodes gzip, deflate (zlib and raw) and br by the header', async () => {
    expect(await decoded(gzipSync(TEXT), 'gzip')).toBe(TEXT);
    expect(await decoded(gzipSync(TEXT), 'x-gzip', 7)).toBe(TEXT);
    expect(await decoded(deflateSync(TEXT), 'deflate')).toBe(TEXT);
    expect(await decoded(deflateRawSync(TEXT), 'deflate', 5)).toBe(TEXT);
    expect(await decoded(brotliCompressSync(TEXT), 'br', 3)).toBe(TEXT);
    expect(await decoded(gzipSync(brotliCompressSync(TEXT)), 'br, gzip', 11)).toBe(TEXT);
  });

  it('recognises gzip by its magic bytes when no header says so', async () => {
    expect(await decoded(gzipSync(TEXT))).toBe(TEXT);
    expect(await decoded(gzipSync(TEXT), 'identity', 2)).toBe(TEXT);
  });

  it('passes a body labelled gzip through when it is not gzip any more', async () => {
    expect(await decoded(Buffer.from(TEXT), 'gzip')).toBe(TEXT);
  });

  it('passes plain bodies through, even a one-byte body', async () => {
    expect(await decoded(Buffer.from(TEXT))).toBe(TEXT);
    expect(await decoded(Buffer.from('x'))).toBe('x');
    expect(await decoded(Buffer.alloc(0))).toBe('');
  });

  it('turns a truncated gzip body into a ParseError', async () => {
    const cut = gzipSync(TEXT).subarray(0, 40);

    const error = await decoded(cut, 'gzip', 8).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(/^the gzip body is truncated or corrupt/);
  });

  it('refuses an unknown content encoding', async () => {
    const error = await decoded(Buffer.from('x'), 'compress').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toBe('unsupported content encoding "compress"');
  });

  it('lets an error of the source stream through unchanged', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield gzipSync(TEXT).subarray(0, 30);
      await Promise.resolve();
      throw new Error('socket hang up');
    }

    const error = await collect(decodeBody(failing(), 'gzip')).catch((caught: unknown) => caught);

    expect((error as Error).message).toBe('socket hang up');
  });
});
