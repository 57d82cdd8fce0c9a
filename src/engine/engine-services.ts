import type { TokenCacheRegistry } from '../auth/token-cache-registry.js';
import type { HttpClient } from '../http/http-client.js';
import type { RateBudgetRegistry } from '../http/rate-budget.js';
import type { RetryOptions } from '../http/retry-policy.js';
import type { Template } from '../connectors/hotjar/template-schema.js';

/**
 * What runs in one process share: one HTTP agent, one rate budget per upstream origin, one token
 * cache per credential, and the templates. The CLI builds one per process; `serve` keeps one.
 */
export interface EngineServices {
  http: HttpClient;
  budgets: RateBudgetRegistry;
  tokens: TokenCacheRegistry;
  templates: ReadonlyMap<string, Template>;
  /** Retry limits for page requests; the HTTP layer's defaults when absent. */
  retry?: Partial<RetryOptions>;
}
