import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `48h`, `30m`, `2d`, `500ms`, `15s` or a number of seconds into milliseconds. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') return text >= 0 ? text * 1000 : null;

  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (match === null) return null;

  return Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
}

/** A duration written as `48h` / `30m` / `2d` / seconds; parsed to milliseconds. */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration such as 48h, 30m or 2d, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});
