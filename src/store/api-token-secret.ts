import { createHash, randomBytes } from 'node:crypto';

/** Marks our tokens, so secret scanners and people recognise one. */
const TOKEN_PREFIX = 'hjf_';

/** A new API token: the prefix and 32 random bytes, base64url. */
export function newApiTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The SHA-256 (hex) under which a token is stored. Tokens carry 256 random bits, so a fast hash
 * suffices (no salt, no scrypt) and lets a presented token be found by an index lookup.
 */
export function hashApiToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
