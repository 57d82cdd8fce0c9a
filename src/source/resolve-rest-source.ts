import type { CredentialConfig } from '../auth/credential-config.js';
import { ConfigError } from '../errors/errors.js';
import type { RestSourceConfig } from './schema/rest-source-schema.js';
import { DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES, type SourcePlan } from './source-plan.js';

/** A manual REST source as an engine plan. */
export function resolveRestSource(
  source: RestSourceConfig,
  credential: CredentialConfig,
): SourcePlan {
  const incremental = source.incremental;
  const useIncremental = incremental !== undefined && source.sync !== 'full_refresh';
  if (source.sync === 'incremental' && incremental === undefined) {
    const message = 'sync: incremental needs an incremental block with a cursor_field';
    throw new ConfigError([{ code: 'INCREMENTAL_MISSING', path: 'source.sync', message }]);
  }

  return {
    label: 'rest',
    credential,
    baseUrl: new URL(source.request.url.replace(/\{[^}]*\}/g, 'x')).origin,
    params: {},
    step: {
      request: {
        method: source.request.method,
        url: source.request.url,
        query: source.request.query,
        headers: source.request.headers,
        body: source.request.body,
        bodyFormat: source.request.body_format,
      },
      format: source.format,
      ...(source.records === undefined ? {} : { records: source.records }),
      pagination: source.pagination,
    },
    partition: '',
    primaryKey: source.primary_key,
    ...(useIncremental && incremental !== undefined
      ? {
          incremental: {
            cursorField: incremental.cursor_field,
            order: incremental.order,
            lookbackMs: incremental.lookback ?? 0,
            ...(incremental.param === undefined ? {} : { param: incremental.param }),
            paramIn: incremental.param_in,
          },
        }
      : {}),
    rateLimit: rateLimitOf(source.rate_limit, null),
    concurrency: 1,
    maxPages: source.pagination.max_pages ?? DEFAULT_MAX_PAGES,
    maxResponseBytes: source.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
}

/** `off` / `false` → null; an object → its number; absent → the source type's default. */
export function rateLimitOf(
  value: 'off' | false | { requests_per_minute: number } | undefined,
  fallback: number | null,
): number | null {
  if (value === undefined) return fallback;
  if (value === 'off' || value === false) return null;
  return value.requests_per_minute;
}
