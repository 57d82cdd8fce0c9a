import {
  isInteger,
  isSafeNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';

/**
 * A run of 16 or more digits is the only way a JSON text can hold an integer beyond 2^53, so a
 * text without one takes the fast native parser; only the rare text with one pays for the
 * lossless parser, which keeps such integers exact as bigint.
 */
const LONG_DIGITS = /\d{16}/;

/** Parses JSON text; integers beyond Number.MAX_SAFE_INTEGER come back exact, as bigint. */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);

  return parseLossless(text, null, parseNumberExact);
}

function parseNumberExact(value: string): number | bigint {
  return isInteger(value) && !isSafeNumber(value) ? BigInt(value) : Number(value);
}

/**
 * JSON text of a value, with `bigint` written as an exact JSON integer (not a string, not a
 * float). Plain `JSON.stringify` runs first because it is several times faster and covers almost
 * every value; it throws a TypeError only when it meets a bigint, and then the lossless writer
 * takes over. Key order is kept. `undefined` for a value JSON cannot hold (a function).
 */
export function stringifyExact(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError) || !containsBigInt(value)) throw error;
    return stringifyLossless(value);
  }
}

/** Like stringifyExact, for values that always have a JSON form (records, summaries). */
export function stringifyJsonExact(value: unknown): string {
  return stringifyExact(value) ?? 'null';
}

/** The `seen` set keeps a circular value from looping here; JSON.stringify then reports it. */
function containsBigInt(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;

  seen.add(value);
  return Object.values(value).some((item) => containsBigInt(item, seen));
}
