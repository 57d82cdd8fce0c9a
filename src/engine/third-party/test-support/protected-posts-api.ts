import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { sendJson, startLocalApi } from '../../test-support/local-api.js';
import type { Introspection } from './oidc-provider-server.js';

export interface ProtectedPostsApiOptions {
  /** How the API checks a bearer token: the authorization server's introspection endpoint. */
  introspect: (token: string) => Promise<Introspection>;
  /** The scope a token must carry. */
  scope: string;
  pages: number;
  perPage: number;
  /** Time each page takes once the token was accepted. */
  delayMs: number;
  /** Called once a page's token was accepted, before the page is sent. */
  onAccepted?: (page: number, token: string) => Promise<void>;
}

/** One API call as the API saw it. */
export interface ApiCall {
  page: number;
  token: string | undefined;
  status: number;
}

export interface ProtectedPostsApi {
  url: string;
  calls: ApiCall[];
  close(): Promise<void>;
}

/**
 * A resource server on 127.0.0.1: `GET /posts?cursor=N` answers `{ data, next_cursor }` when the
 * bearer token is active and carries the scope (asked to the authorization server on every
 * request), and 401 with `WWW-Authenticate: Bearer error="invalid_token"` otherwise.
 */
export async function startProtectedPostsApi(
  options: ProtectedPostsApiOptions,
): Promise<ProtectedPostsApi> {
  const calls: ApiCall[] = [];
  const api = await startLocalApi((request, response) => {
    servePage({ request, response, options, calls }).catch((error: unknown) =>
      sendJson(response, { error: 'server_error', message: String(error) }, 500),
    );
  });
  return { url: api.url, calls, close: () => api.close() };
}

async function servePage(exchange: {
  request: { url: URL; raw: IncomingMessage };
  response: ServerResponse;
  options: ProtectedPostsApiOptions;
  calls: ApiCall[];
}): Promise<void> {
  const { request, response, options } = exchange;
  const page = Number(request.url.searchParams.get('cursor') ?? '1');
  const token = /^Bearer\s+(.+)$/i.exec(request.raw.headers.authorization ?? '')?.[1];
  const granted = token === undefined ? undefined : await options.introspect(token);
  const allowed =
    granted?.active === true && (granted.scope ?? '').split(' ').includes(options.scope);
  exchange.calls.push({ page, token, status: allowed ? 200 : 401 });
  if (token === undefined || !allowed) {
    response.setHeader('www-authenticate', 'Bearer error="invalid_token"');
    return sendJson(response, { error: 'invalid_token' }, 401);
  }

  await options.onAccepted?.(page, token);
  await sleep(options.delayMs);
  const first = (page - 1) * options.perPage;
  const data = Array.from({ length: options.perPage }, (_, i) => ({
    id: first + i + 1,
    title: `post ${first + i + 1}`,
  }));
  sendJson(response, { data, next_cursor: page < options.pages ? String(page + 1) : null });
}
