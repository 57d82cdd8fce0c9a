import {
  isInteger,
  isSafeNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';

/**
 * A run of 16 or more digits is the only way a JSON text can hold an integer beyond 2^53, so a
 * body without one takes the fast native parser; only the rare body with one pays for the
 * lossless parser, which keeps such integers exact as bigint.
 */
const LONG_DIGITS = /\d{16}/;

/** Parses JSON text, keeping integers beyond Number.MAX_SAFE_INTEGER exact (as bigint). */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);

  return parseLossless(text, null, parseNumberExact);
}

function parseNumberExact(value: string): number | bigint {
  if (isSafeNumber(value)) return Number(value);
  if (isInteger(value)) return BigInt(value);
  return Number(value);
}

/**
 * JSON text for a value that may hold bigint (written as an exact JSON integer). The native
 * stringifier runs first; only a value in which it met a bigint is written again losslessly.
 */
export function stringifyJsonExact(value: unknown): string {
  let sawBigint = false;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'bigint') return item;
    sawBigint = true;
    return null;
  });

  return sawBigint ? (stringifyLossless(value) ?? 'null') : text;
}
