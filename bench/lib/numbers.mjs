// Small arithmetic for the report.

/** The median of a non-empty list. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds to `digits` decimals (default 0). */
export function round(value, digits = 0) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Records per second for a count over milliseconds. */
export function perSecond(count, ms) {
  return (count * 1000) / ms;
}
