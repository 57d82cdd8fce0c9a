import type { HttpRequest } from '../http/http-types.js';
import { expandMacros } from './macros.js';
import type { PageRequest } from './pagination/paginator.js';
import type { RequestTemplate } from './source-plan.js';

export interface BuildRequestOptions {
  template: RequestTemplate;
  vars: Readonly<Record<string, unknown>>;
  page: PageRequest;
  /** Extra query or body values (an incremental bookmark parameter). */
  extra?: { query?: Record<string, string>; body?: Record<string, string> };
  now?: Date;
}

/**
 * The HTTP request for one page: macros expanded (URL-encoded in the URL), then the pagination's
 * values laid over the declared ones — a pagination parameter replaces a query key of the same
 * name, so it is never sent twice. A page that names its own URL is followed as given.
 */
export function buildRequest(options: BuildRequestOptions): HttpRequest {
  const { template, vars, page } = options;
  const macro = { ...(options.now === undefined ? {} : { now: options.now }) };

  const url = new URL(page.url ?? expandUrl(template.url, vars, macro));
  if (page.url === undefined) {
    for (const [key, value] of Object.entries(template.query)) {
      url.searchParams.set(
        key,
        expandMacros(String(value), vars, { ...macro, path: `request.query.${key}` }),
      );
    }
  }
  for (const [key, value] of Object.entries({ ...options.extra?.query, ...page.query })) {
    url.searchParams.set(key, value);
  }

  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...template.headers, ...page.headers })) {
    headers[key.toLowerCase()] = expandMacros(value, vars, {
      ...macro,
      path: `request.headers.${key}`,
    });
  }

  const request: HttpRequest = { method: template.method, url: url.toString(), headers };
  const body = buildBody(options, macro);
  if (body !== undefined) {
    request.body = body;
    headers['content-type'] ??=
      template.bodyFormat === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  }
  return request;
}

/** URL macros are URL-encoded, except a macro that is the whole URL (a link from a parent record). */
function expandUrl(
  template: string,
  vars: Readonly<Record<string, unknown>>,
  macro: { now?: Date },
): string {
  const whole = /^\{[^{}]+\}$/.test(template.trim());
  return expandMacros(template.trim(), vars, { ...macro, encode: !whole, path: 'request.url' });
}

function buildBody(options: BuildRequestOptions, macro: { now?: Date }): string | undefined {
  const { template, vars, page } = options;
  const extras = { ...options.extra?.body, ...page.body };
  if (template.body === undefined && Object.keys(extras).length === 0) return undefined;

  const declared = expandDeep(template.body ?? {}, vars, macro, 'request.body');
  const merged = isPlainObject(declared) ? { ...declared, ...extras } : declared;

  if (template.bodyFormat === 'form' && isPlainObject(merged)) {
    return new URLSearchParams(
      Object.entries(merged).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
  }
  return JSON.stringify(merged);
}

function expandDeep(
  value: unknown,
  vars: Readonly<Record<string, unknown>>,
  macro: { now?: Date },
  path: string,
): unknown {
  if (typeof value === 'string') return expandMacros(value, vars, { ...macro, path });
  if (Array.isArray(value))
    return value.map((item, i) => expandDeep(item, vars, macro, `${path}[${i}]`));
  if (!isPlainObject(value)) return value;

  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, expandDeep(v, vars, macro, `${path}.${k}`)]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
