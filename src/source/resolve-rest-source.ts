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
    baseUrl:
      source.parent === undefined
        ? originOf(source.request.url, 'source.request.url')
        : originOf(source.parent.request.url, 'source.parent.request.url'),
    // A URL that is all macro (`{parent.next}`) has no origin of its own: the credential stays
    // with the origins written in the flow file.
    credentialUrls: [source.request.url, source.parent?.request.url].flatMap((url) =>
      url === undefined || url.startsWith('{') ? [] : [originOf(url, 'source.request.url')],
    ),
    params: {},
    step: {
      request: requestTemplate(source.request),
      format: source.format,
      ...(source.records === undefined ? {} : { records: source.records }),
      pagination: source.pagination,
      ...(source.csv === undefined ? {} : { csv: withoutUndefined(source.csv) }),
      ...(source.add_fields === undefined ? {} : { addFields: source.add_fields }),
      ...(source.xml?.attribute_prefix === undefined
        ? {}
        : { xml: { attributePrefix: source.xml.attribute_prefix } }),
    },
    ...(source.parent === undefined
      ? {}
      : {
          parent: {
            request: requestTemplate(source.parent.request),
            format: 'json' as const,
            ...(source.parent.records === undefined ? {} : { records: source.parent.records }),
            pagination: source.parent.pagination,
            bind: {},
          },
        }),
    partition: source.parent === undefined ? '' : (source.partition ?? '{parent.id}'),
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
    concurrency: source.concurrency ?? (source.parent === undefined ? 1 : 4),
    maxPages: source.pagination.max_pages ?? DEFAULT_MAX_PAGES,
    maxResponseBytes: source.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
}

function withoutUndefined<T extends object>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

function requestTemplate(request: RestSourceConfig['request']): SourcePlan['step']['request'] {
  return {
    method: request.method,
    url: request.url,
    query: request.query,
    headers: request.headers,
    body: request.body,
    bodyFormat: request.body_format,
  };
}

/** The origin of a URL that may hold `{macros}` in its path or query. */
function originOf(url: string, path: string): string {
  try {
    return new URL(url.replace(/\{[^}]*\}/g, 'x')).origin;
  } catch {
    const message = `expected an absolute http(s) URL (or a {macro} for the whole URL), got ${JSON.stringify(url)}`;
    throw new ConfigError([{ code: 'URL_INVALID', path, message }]);
  }
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
