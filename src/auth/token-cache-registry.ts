import { createHash } from 'node:crypto';

import { TokenCache, type TokenCacheOptions } from './token-cache.js';

// TODO(#3): one cache per process; each worker process asks for its own token.

/**
 * The token caches of one process, one per credential identity (token URL, client id, a hash of
 * the secret, scope, method and extra parameters), so every flow using a credential shares its
 * token and its single in-flight token request.
 */
export class TokenCacheRegistry {
  private readonly caches = new Map<string, TokenCache>();

  /** The cache for these options; created on first use (later options' http/clock are ignored). */
  get(options: TokenCacheOptions): TokenCache {
    const key = credentialKey(options);
    const existing = this.caches.get(key);
    if (existing !== undefined) return existing;

    const cache = new TokenCache(options);
    this.caches.set(key, cache);
    return cache;
  }
}

/** A stable identity that holds no secret in clear. */
export function credentialKey(options: TokenCacheOptions): string {
  const secretHash = createHash('sha256').update(options.clientSecret).digest('hex');
  const params = JSON.stringify(Object.entries(options.tokenParams ?? {}).sort());
  const parts = [
    options.tokenUrl,
    options.clientId,
    secretHash,
    options.scope ?? '',
    options.authMethod ?? 'body',
    params,
  ];
  return JSON.stringify(parts);
}
