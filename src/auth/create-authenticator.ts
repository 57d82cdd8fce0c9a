import type { Clock } from '../http/clock.js';
import type { HttpClient } from '../http/http-client.js';
import type { Authenticator } from '../http/http-types.js';
import type { RateBudget } from '../http/rate-budget.js';
import type { Logger } from '../log/logger.js';
import { ClientCredentialsAuthenticator } from './client-credentials-authenticator.js';
import type { CredentialConfig } from './credential-config.js';
import { OriginSet } from './origin-set.js';
import {
  ApiKeyAuthenticator,
  BasicAuthenticator,
  BearerAuthenticator,
  NoneAuthenticator,
} from './static-authenticators.js';
import { TokenCache, type TokenCacheOptions } from './token-cache.js';
import type { TokenCacheRegistry } from './token-cache-registry.js';

/** Hotjar's public API, when a flow names no `base_url`. */
export const HOTJAR_DEFAULT_BASE_URL = 'https://api.hotjar.io';

export interface AuthenticatorContext {
  http: HttpClient;
  /** The source's base URL (or request URL); its origin receives the credential. */
  baseUrl: string;
  /** More URLs whose origins receive the credential (e.g. a manual source's request URL). */
  requestUrls?: readonly string[];
  logger?: Logger;
  clock?: Clock;
  /** Shares token caches across flows; without it the authenticator gets its own cache. */
  tokenCaches?: TokenCacheRegistry;
  /** The budget of the token URL's origin, if any. */
  tokenBudget?: RateBudget | null;
}

/** `{base_url}/v1/oauth/token`, whatever the base URL's trailing slash. */
export function hotjarTokenUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/oauth/token`;
}

/**
 * The authenticator for a credential, bound to the origins of `baseUrl`, `requestUrls` and (for
 * OAuth kinds) the token URL.
 */
export function createAuthenticator(
  credential: CredentialConfig,
  context: AuthenticatorContext,
): Authenticator {
  const urls = [context.baseUrl, ...(context.requestUrls ?? [])];

  switch (credential.type) {
    case 'none':
      return new NoneAuthenticator();
    case 'bearer':
      return new BearerAuthenticator(new OriginSet(urls), credential.token);
    case 'basic':
      return new BasicAuthenticator(new OriginSet(urls), credential.username, credential.password);
    case 'api_key':
      return new ApiKeyAuthenticator(new OriginSet(urls), credential);
    case 'hotjar':
    case 'oauth2_client_credentials':
      return clientCredentials(credential, context, urls);
  }
}

function clientCredentials(
  credential: Extract<CredentialConfig, { type: 'hotjar' | 'oauth2_client_credentials' }>,
  context: AuthenticatorContext,
  urls: string[],
): Authenticator {
  const tokenUrl =
    credential.type === 'hotjar' ? hotjarTokenUrl(context.baseUrl) : credential.token_url;
  const options: TokenCacheOptions = {
    tokenUrl,
    clientId: credential.client_id,
    clientSecret: credential.client_secret,
    http: context.http,
    budget: context.tokenBudget ?? null,
  };
  if (credential.type === 'oauth2_client_credentials') {
    if (credential.scope !== undefined) options.scope = credential.scope;
    if (credential.auth_method !== undefined) options.authMethod = credential.auth_method;
    if (credential.token_params !== undefined) options.tokenParams = credential.token_params;
  }
  if (context.clock !== undefined) options.clock = context.clock;
  if (context.logger !== undefined) options.logger = context.logger;

  const cache = context.tokenCaches?.get(options) ?? new TokenCache(options);
  return new ClientCredentialsAuthenticator(cache, new OriginSet([...urls, tokenUrl]));
}
