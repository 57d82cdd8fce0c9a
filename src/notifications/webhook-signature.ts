import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `sha256=<hex>`: the HMAC-SHA256 of `<timestamp>.<raw body>`. */
export const SIGNATURE_HEADER = 'x-hotjar-flow-signature';

/** Header carrying the Unix time (seconds) the delivery attempt was signed at. */
export const TIMESTAMP_HEADER = 'x-hotjar-flow-timestamp';

/**
 * The signature of one delivery attempt. The timestamp is signed with the body, so a captured
 * request cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(options: { secret: string; body: string; timestamp: number }): string {
  const mac = createHmac('sha256', options.secret);
  mac.update(`${options.timestamp}.${options.body}`);
  return `sha256=${mac.digest('hex')}`;
}

/**
 * What a receiver checks: the signature matches the raw body and timestamp, and the timestamp is
 * within `toleranceSeconds` (default 300) of `now`.
 */
export function verifyWebhookSignature(options: {
  secret: string;
  body: string;
  timestamp: string;
  signature: string;
  now: Date;
  toleranceSeconds?: number;
}): boolean {
  const timestamp = Number(options.timestamp);
  if (!/^\d+$/.test(options.timestamp)) return false;

  const age = Math.abs(options.now.getTime() / 1000 - timestamp);
  if (age > (options.toleranceSeconds ?? 300)) return false;

  const expected = Buffer.from(
    signWebhook({ secret: options.secret, body: options.body, timestamp }),
  );
  const given = Buffer.from(options.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
