import type { HttpRequest, HttpResponse } from './http-types.js';

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Request headers that hold a caller-supplied credential: never carried to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** Whether `res` is a redirect this layer follows (a 3xx with a Location). */
export function isFollowableRedirect(res: HttpResponse): boolean {
  return REDIRECT_STATUSES.has(res.status) && res.headers['location'] !== undefined;
}

/**
 * The request to send after a redirect: the Location resolved against the answering URL; 303 (and
 * 301/302 after a non-GET, as browsers do) becomes a GET without body; 307/308 keep both. Headers
 * carrying a credential are dropped when the origin changes — the authenticator decides afresh.
 */
export function redirectedRequest(current: HttpRequest, res: HttpResponse): HttpRequest {
  const target = new URL(res.headers['location'] ?? '', current.url);
  const toGet =
    res.status === 303 || ((res.status === 301 || res.status === 302) && current.method !== 'GET');
  const sameOrigin = target.origin === new URL(current.url).origin;

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(current.headers ?? {})) {
    const lower = name.toLowerCase();
    if (!sameOrigin && CREDENTIAL_HEADERS.includes(lower)) continue;
    if (toGet && (lower === 'content-type' || lower === 'content-length')) continue;
    headers[name] = value;
  }

  const next: HttpRequest = {
    method: toGet ? 'GET' : current.method,
    url: target.toString(),
    headers,
  };
  if (!toGet && current.body !== undefined) next.body = current.body;
  return next;
}
