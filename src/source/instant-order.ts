const RFC3339 = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A sortable key for a cursor value: instants (any offset, any sub-second precision) become
 * `[epochMs, fraction beyond the millisecond]`; numbers stay numbers; anything else sorts as text.
 */
export type OrderKey = readonly [number, number] | string;

export function orderKey(value: unknown): OrderKey | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'bigint') return [Number(value), 0];
  if (typeof value !== 'string') return undefined;

  const match = RFC3339.exec(value.trim());
  if (match === null) return value;

  const fraction = (match[3] ?? '').padEnd(9, '0');
  const zone = match[4] === undefined || match[4].toUpperCase() === 'Z' ? 'Z' : match[4];
  const ms = Date.parse(`${match[1]}T${match[2]}.${fraction.slice(0, 3)}${zone}`);
  if (Number.isNaN(ms)) return value;
  return [ms, Number(fraction.slice(3))];
}

/** Negative, zero or positive, as `a` is before, equal to or after `b`. */
export function compareKeys(a: OrderKey, b: OrderKey): number {
  if (typeof a === 'string' || typeof b === 'string') {
    const left = typeof a === 'string' ? a : String(a[0]);
    const right = typeof b === 'string' ? b : String(b[0]);
    return left < right ? -1 : left > right ? 1 : 0;
  }
  return a[0] - b[0] || a[1] - b[1];
}

/** The key moved back by a window; only instants and numbers can move. */
export function minusWindow(key: OrderKey, ms: number): OrderKey {
  if (ms === 0 || typeof key === 'string') return key;
  return [key[0] - ms, key[1]];
}
