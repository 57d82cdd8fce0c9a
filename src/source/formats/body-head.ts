import { ParseError } from '../../errors/errors.js';
import { bodyPreview } from '../../http/describe-response.js';

/** How many bytes of a body are kept for error messages. */
export const BODY_HEAD_BYTES = 1024;

/**
 * The first kilobyte of a body as it streams past, so a parser that fails late (a truncated body)
 * or early (HTML instead of JSON) can still show what the body started with, without holding the
 * whole body.
 */
export class BodyHead {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;

  /** Keeps the part of `chunk` that still fits in the first kilobyte. */
  add(chunk: Uint8Array): void {
    if (this.kept >= BODY_HEAD_BYTES) return;

    const part = chunk.subarray(0, BODY_HEAD_BYTES - this.kept);
    this.chunks.push(Uint8Array.from(part));
    this.kept += part.length;
  }

  /** The kept bytes (at most 1 KB). */
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** One short line (≤ 200 characters, whitespace squeezed, secrets masked) of the body's start. */
  preview(secrets: readonly string[] = []): string {
    return bodyPreview(this.bytes(), secrets);
  }

  /** Passes a stream through unchanged, keeping its first kilobyte here. */
  async *tap(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      this.add(chunk);
      yield chunk;
    }
  }
}

/** What a parse failure needs to name the body it failed on. */
export interface ParseFailureContext {
  format: string;
  head: BodyHead;
  secrets?: readonly string[];
}

/**
 * A ParseError saying which format was expected, what went wrong, and how the body started:
 * `expected a JSON body (Unexpected "<" at position 0): body starts with "<!DOCTYPE html> …"`.
 */
export function parseFailure(
  context: ParseFailureContext,
  problem: string,
  cause?: unknown,
): ParseError {
  const preview = context.head.preview(context.secrets);
  const start = preview === '' ? 'the body is empty' : `body starts with "${preview}"`;
  const message = `expected a ${context.format.toUpperCase()} body (${problem}): ${start}`;

  return new ParseError(message, {
    cause,
    details: { format: context.format, preview },
  });
}

/** The message of an unknown thrown value, for wrapping library errors. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
