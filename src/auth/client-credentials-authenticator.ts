import type { Authenticator } from '../http/http-types.js';
import type { OriginSet } from './origin-set.js';
import type { TokenCache } from './token-cache.js';

/** Bearer tokens from an OAuth2 client-credentials grant (Hotjar's API keys included). */
export class ClientCredentialsAuthenticator implements Authenticator {
  constructor(
    private readonly cache: TokenCache,
    private readonly origins: OriginSet,
  ) {}

  async authorize(
    url: URL,
  ): Promise<{ headers: Record<string, string>; query: Record<string, string> }> {
    if (!this.appliesTo(url)) return { headers: {}, query: {} };
    const token = await this.cache.getToken();
    return { headers: { authorization: `Bearer ${token}` }, query: {} };
  }

  appliesTo(url: URL): boolean {
    return this.origins.has(url);
  }

  /** Gets a new token unless the refused one was already replaced by a concurrent caller. */
  async refresh(rejected?: Readonly<Record<string, string>>): Promise<boolean> {
    const header = rejected?.['authorization'] ?? '';
    const stale = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    await this.cache.refresh(stale);
    return true;
  }

  secrets(): string[] {
    return this.cache.secrets();
  }
}
