import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';

/**
 * JSON text of a value, with `bigint` written as an exact JSON integer (not a string, not a
 * float). Plain `JSON.stringify` runs first because it is several times faster and covers almost
 * every record; it throws a TypeError only when it meets a bigint, and then the lossless writer
 * takes over. Key order is kept. Returns `undefined` for a value JSON cannot hold (a function).
 */
export function stringifyExact(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError) || !containsBigInt(value)) throw error;
    return stringify(value);
  }
}

/** Parses JSON text; integers beyond 2^53 come back as `bigint`, every other number as number. */
export function parseExact(text: string): unknown {
  return parse(text, null, parseNumber);
}

function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/** The `seen` set keeps a circular value from looping here; JSON.stringify then reports it. */
function containsBigInt(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;

  seen.add(value);
  return Object.values(value).some((item) => containsBigInt(item, seen));
}
