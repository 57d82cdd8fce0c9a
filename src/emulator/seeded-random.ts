/**
 * Deterministic pseudo-random numbers for the emulator's data. Everything is derived from small
 * integer tuples (seed, survey, sequence …) so any record can be rebuilt on demand, in any process,
 * without keeping the generated data in memory.
 */

const GOLDEN = 0x9e3779b9;

/** The 32-bit avalanche step used by every hash below. */
function avalanche(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a tuple of non-negative integers (values above 2^32 are mixed in full). */
export function hashInts(...values: number[]): number {
  let h = GOLDEN;
  for (const value of values) {
    const high = Math.floor(value / 0x1_0000_0000);
    h = avalanche(h ^ (value >>> 0));
    h = avalanche((h + Math.imul(high | 0, GOLDEN)) >>> 0);
  }

  return h;
}

/** A 32-bit hash of a string (FNV-1a over UTF-16 code units, then an avalanche step). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }

  return avalanche(h);
}

/** A small counter-based generator: the state advances by a constant and each output is hashed. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + GOLDEN) >>> 0;
    return avalanche(this.state ^ 0x5bd1e995) / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) {
      throw new RangeError('cannot pick from an empty list');
    }

    return item;
  }

  /** `count` distinct items, in their original order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, items.length)) {
      chosen.add(this.int(items.length));
    }

    return items.filter((_, index) => chosen.has(index));
  }
}

/** A hex string of `length` characters built from hashes of the given tuple. */
export function hexFrom(length: number, ...values: number[]): string {
  let out = '';
  for (let round = 0; out.length < length; round += 1) {
    out += hashInts(...values, round)
      .toString(16)
      .padStart(8, '0');
  }

  return out.slice(0, length);
}

/** A UUID-shaped (version 4 layout) identifier derived from the given tuple. */
export function uuidFrom(...values: number[]): string {
  const hex = hexFrom(32, ...values);
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    '4' + hex.slice(13, 16),
    variant + hex.slice(17, 20),
    hex.slice(20, 32),
  ].join('-');
}
