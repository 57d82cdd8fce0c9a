import type { HttpClient } from '../http/http-client.js';
import { createSystemClock, type Clock } from '../http/clock.js';
import type { RateBudget } from '../http/rate-budget.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { parseTokenResponse, tokenRefusal, type IssuedToken } from './token-response.js';

// Why our own code and not oauth4webapi: it rejects an `expires_in` sent as a string, which
// Hotjar-like token endpoints do send; tolerating every variant is the point here.

export interface TokenCacheOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Client id and secret in the form body (default) or as HTTP Basic. */
  authMethod?: 'body' | 'basic';
  /** Extra form fields. */
  tokenParams?: Record<string, string>;
  http: HttpClient;
  /** The token URL origin's budget, if any. */
  budget?: RateBudget | null;
  clock?: Clock;
  logger?: Logger;
}

interface CachedToken {
  token: string;
  /** When `getToken` stops handing this token out and fetches a new one. */
  refreshAt: number;
}

/** Tokens remembered for redaction: enough to cover a token still in flight on a slow request. */
const REMEMBERED_TOKENS = 4;

/**
 * How long before expiry a token is renewed: max(60 s, 10 % of the lifetime), but never more than
 * half the lifetime, so a 2-second token is still used for a second.
 */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(Math.max(60_000, lifetimeMs * 0.1), lifetimeMs * 0.5);
}

/**
 * The bearer token of one client-credentials credential. One token request at a time: concurrent
 * callers share it. Renewed before expiry (see `refreshMarginMs`); `refresh()` forces a new one.
 */
export class TokenCache {
  private current: CachedToken | undefined;
  private inflight: Promise<string> | undefined;
  private readonly issued: string[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private requests = 0;

  constructor(private readonly options: TokenCacheOptions) {
    this.clock = options.clock ?? createSystemClock();
    this.logger = options.logger ?? silentLogger();
  }

  /** Token requests sent so far (answered or not). */
  get tokenRequests(): number {
    return this.requests;
  }

  /** A token valid for at least the margin; fetched when there is none or it is due. */
  getToken(): Promise<string> {
    const current = this.current;
    if (current !== undefined && this.clock.now() < current.refreshAt)
      return Promise.resolve(current.token);
    return this.fetchOnce();
  }

  /**
   * A new token, unless one is already on its way or `stale` (the token the upstream refused) was
   * already replaced by a concurrent caller.
   */
  refresh(stale?: string): Promise<string> {
    if (this.inflight !== undefined) return this.inflight;

    const current = this.current;
    const replaced = stale !== undefined && current !== undefined && current.token !== stale;
    if (replaced && this.clock.now() < current.refreshAt) return Promise.resolve(current.token);

    this.current = undefined;
    return this.fetchOnce();
  }

  /** The client secret and recent tokens, for masking. */
  secrets(): string[] {
    return [this.options.clientSecret, ...this.issued];
  }

  private fetchOnce(): Promise<string> {
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetch(): Promise<string> {
    const startedAt = this.clock.now();
    this.requests += 1;
    const res = await this.options.http.send(this.tokenRequest(), {
      budget: this.options.budget ?? null,
      passStatuses: [400, 401, 403],
      logger: this.logger,
      secrets: this.secrets(),
    });
    if (res.status >= 400) throw tokenRefusal(res, this.secrets());

    const issued = parseTokenResponse(res, this.secrets());
    this.remember(issued, startedAt);
    return issued.accessToken;
  }

  private remember(issued: IssuedToken, startedAt: number): void {
    // The lifetime counts from when the request left: the upstream issued the token later than
    // that, so our idea of the expiry is never later than its own.
    const lifetimeMs = issued.lifetimeS * 1000;
    const refreshAt = startedAt + lifetimeMs - refreshMarginMs(lifetimeMs);
    this.current = { token: issued.accessToken, refreshAt };

    this.issued.unshift(issued.accessToken);
    this.issued.length = Math.min(this.issued.length, REMEMBERED_TOKENS);
    const fields = {
      tokenUrl: this.options.tokenUrl,
      lifetimeS: issued.lifetimeS,
      defaulted: issued.lifetimeDefaulted,
    };
    this.logger.debug(fields, 'access token issued');
  }

  private tokenRequest(): {
    method: 'POST';
    url: string;
    headers: Record<string, string>;
    body: string;
  } {
    const { clientId, clientSecret, scope, tokenParams } = this.options;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...tokenParams });
    if (scope !== undefined && scope !== '') form.set('scope', scope);

    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.options.authMethod === 'basic') {
      // RFC 6749 §2.3.1: each part form-encoded before joining.
      const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
      headers['authorization'] = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    return { method: 'POST', url: this.options.tokenUrl, headers, body: form.toString() };
  }
}
