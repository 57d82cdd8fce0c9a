const DAY_MS = 86_400_000;

/** Days before expiry at which a Hotjar key gets a warning, by default. */
export const DEFAULT_KEY_WARNING_DAYS: readonly number[] = [30, 7];

/**
 * When a Hotjar API key created on `createdOn` (`YYYY-MM-DD`) expires: one year later, at
 * midnight UTC (a key created on 29 February expires on 1 March). Null for an unreadable date.
 */
export function keyExpiresAt(createdOn: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(createdOn);
  if (match === null) return null;

  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const expires = new Date(Date.UTC(year + 1, month - 1, day));
  return Number.isNaN(expires.getTime()) ? null : expires;
}

/** A warning to give now: the smallest threshold reached, and every threshold it stands for. */
export interface KeyWarning {
  threshold: number;
  covers: number[];
  expiresAt: Date;
  /** Whole days left, rounded up; 0 or less once expired. */
  daysLeft: number;
}

/**
 * The warning due for a key at `now`, or null. A threshold of N days is reached N×24 hours
 * before expiry; thresholds already `warned` are not given again, and when several are reached
 * at once (the check did not run for a while) one warning stands for all of them.
 */
export function dueKeyWarning(options: {
  createdOn: string;
  now: Date;
  thresholds: readonly number[];
  warned: readonly number[];
}): KeyWarning | null {
  const expiresAt = keyExpiresAt(options.createdOn);
  if (expiresAt === null) return null;

  const left = expiresAt.getTime() - options.now.getTime();
  const reached = options.thresholds.filter((days) => left <= days * DAY_MS);
  if (reached.every((days) => options.warned.includes(days))) return null;

  return {
    threshold: Math.min(...reached),
    covers: reached,
    expiresAt,
    daysLeft: Math.ceil(left / DAY_MS),
  };
}
