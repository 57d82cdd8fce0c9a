import { createHmac } from 'node:crypto';

/**
 * A per-emulator secret for one purpose, derived from the seed so that one seed gives the same
 * cursors, keys and tokens in any process. It protects nothing real: it only makes cursors
 * tamper-evident and keys look like keys.
 */
export function deriveKey(seed: number, purpose: string): Buffer {
  return createHmac('sha256', `hotjar-flow-emulator/${seed}`).update(purpose).digest();
}

/** A URL-safe (base64url) string of an HMAC of `label` under `key`. */
export function urlSafeMac(key: Buffer, label: string, length = 43): string {
  return createHmac('sha256', key).update(label).digest('base64url').slice(0, length);
}
