import { TokenCacheRegistry } from '../auth/token-cache-registry.js';
import type { Template } from '../connectors/hotjar/template-schema.js';
import { HttpClient } from '../http/http-client.js';
import { RateBudgetRegistry } from '../http/rate-budget.js';
import type { RetryOptions } from '../http/retry-policy.js';
import type { Logger } from '../log/logger.js';
import type { EngineServices } from './engine-services.js';

/** Fresh services for one process (the CLI) or one long-lived service (`serve`). */
export function createEngineServices(options: {
  logger: Logger;
  templates: ReadonlyMap<string, Template>;
  retry?: Partial<RetryOptions>;
}): EngineServices {
  return {
    http: new HttpClient({ logger: options.logger }),
    budgets: new RateBudgetRegistry(),
    tokens: new TokenCacheRegistry(),
    templates: options.templates,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  };
}
