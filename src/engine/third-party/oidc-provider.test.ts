import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { captureLogs } from '../../http/log-capture.js';
import { runInProcess } from '../test-support/run-against-emulator.js';
import {
  startOidcProvider,
  type ProviderClient,
  type RunningOidcProvider,
} from './test-support/oidc-provider-server.js';
import {
  startProtectedPostsApi,
  type ProtectedPostsApi,
} from './test-support/protected-posts-api.js';
import { idsOf, restFlow, sqliteTarget, type SqliteTarget } from './test-support/rest-flow.js';

const TOKEN_TTL_S = 2;

let provider: RunningOidcProvider;
let api: ProtectedPostsApi | undefined;

beforeAll(async () => {
  provider = await startOidcProvider(TOKEN_TTL_S);
});

afterAll(async () => {
  await provider.close();
});

afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function startApi(
  pages: number,
  delayMs: number,
  onAccepted?: (page: number, token: string) => Promise<void>,
): Promise<ProtectedPostsApi> {
  api = await startProtectedPostsApi({
    introspect: (token) => provider.introspect(token),
    scope: provider.scope,
    pages,
    perPage: 10,
    delayMs,
    ...(onAccepted === undefined ? {} : { onAccepted }),
  });
  return api;
}

function postsFlow(options: {
  api: ProtectedPostsApi;
  client: ProviderClient;
  authMethod: 'body' | 'basic';
  target: SqliteTarget;
}): ReturnType<typeof restFlow> {
  return restFlow(
    'oidc-posts',
    {
      credential: {
        type: 'oauth2_client_credentials',
        token_url: provider.tokenUrl,
        client_id: options.client.clientId,
        client_secret: options.client.clientSecret,
        scope: provider.scope,
        auth_method: options.authMethod,
      },
      request: { url: `${options.api.url}/posts` },
      records: '$.data[*]',
      pagination: { type: 'cursor', cursor_path: '$.next_cursor', cursor_param: 'cursor' },
      primary_key: ['id'],
    },
    options.target,
  );
}

/** Every 401 is followed at once by the same page with a different token, answered 200. */
function expectEveryRejectionRecovered(calls: ProtectedPostsApi['calls']): void {
  calls.forEach((call, i) => {
    if (call.status !== 401) return;
    const retry = calls[i + 1];
    expect(retry?.page).toBe(call.page);
    expect(retry?.status).toBe(200);
    expect(retry?.token).not.toBe(call.token);
  });
}

function tokenRequestsSince(start: number): RunningOidcProvider['tokenRequests'] {
  return provider.tokenRequests.slice(start);
}

describe('oidc-provider 8.8.1 as the authorization server', () => {
  it('reads 30 slow pages over more than three 2-second token lifetimes, renewing the token (client_secret_post)', async () => {
    const posts = await startApi(30, 220);
    const target = sqliteTarget('oidc-post');
    const before = provider.tokenRequests.length;
    const client = provider.postClient;
    const logs = captureLogs();

    const summary = await runInProcess(
      postsFlow({ api: posts, client, authMethod: 'body', target }),
      { logger: logs.logger },
    );

    expect(summary.error).toBeNull();
    expect(summary.duration_ms).toBeGreaterThan(3 * TOKEN_TTL_S * 1000);
    const ids = idsOf(target);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);

    const tokens = tokenRequestsSince(before);
    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.every((t) => t.status === 200 && t.via === 'body')).toBe(true);
    expect(tokens.every((t) => t.clientId === client.clientId)).toBe(true);
    expectEveryRejectionRecovered(posts.calls);
    // Renewing before expiry means no rejection; the provider counts expiry in whole seconds, so
    // a request sent in the last milliseconds of a token's life may still meet one, once.
    expect(posts.calls.filter((c) => c.status === 401).length).toBeLessThanOrEqual(1);

    // The API saw the renewals too, and no token or the secret reached the summary or the logs.
    const issued = [...new Set(posts.calls.map((c) => c.token ?? ''))];
    expect(issued.length).toBeGreaterThan(3);
    for (const secret of [client.clientSecret, ...issued]) {
      expect(JSON.stringify(summary)).not.toContain(secret);
      expect(logs.text()).not.toContain(secret);
    }
  });

  it('authenticates to the token endpoint with HTTP Basic for a client_secret_basic client', async () => {
    const posts = await startApi(8, 150);
    const target = sqliteTarget('oidc-basic');
    const before = provider.tokenRequests.length;
    const client = provider.basicClient;

    const summary = await runInProcess(
      postsFlow({ api: posts, client, authMethod: 'basic', target }),
    );

    expect(summary.error).toBeNull();
    expect(idsOf(target)).toHaveLength(80);
    const tokens = tokenRequestsSince(before);
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    expect(tokens.every((t) => t.status === 200 && t.via === 'basic')).toBe(true);
    expect(tokens.every((t) => t.clientId === client.clientId)).toBe(true);
    expectEveryRejectionRecovered(posts.calls);
  });

  it('recovers from a token revoked at the provider mid-run with one new token and one replay', async () => {
    const client = provider.postClient;
    // The token is revoked while page 2 is served, so the request for page 3 carries a dead one.
    const posts = await startApi(5, 0, (page, token) =>
      page === 2 ? provider.revoke(token, client) : Promise.resolve(),
    );
    const target = sqliteTarget('oidc-revoked-token');
    const before = provider.tokenRequests.length;

    const summary = await runInProcess(
      postsFlow({ api: posts, client, authMethod: 'body', target }),
    );

    expect(summary.error).toBeNull();
    expect(posts.calls.map((c) => [c.page, c.status])).toEqual([
      [1, 200],
      [2, 200],
      [3, 401],
      [3, 200],
      [4, 200],
      [5, 200],
    ]);
    expectEveryRejectionRecovered(posts.calls);
    expect(tokenRequestsSince(before).map((t) => t.status)).toEqual([200, 200]);
    expect(idsOf(target)).toHaveLength(50);
  });

  it('fails the next run as AUTH_FAILED, not a retry loop, once the client was removed at the provider', async () => {
    const posts = await startApi(3, 0);
    const client = await provider.register('client_secret_basic');
    const first = await runInProcess(
      postsFlow({ api: posts, client, authMethod: 'basic', target: sqliteTarget('oidc-live') }),
    );
    expect(first.error).toBeNull();
    expect(posts.calls.map((c) => c.status)).toEqual([200, 200, 200]);

    await client.remove();
    posts.calls.length = 0;
    const before = provider.tokenRequests.length;
    const target = sqliteTarget('oidc-removed');
    const second = await runInProcess(
      postsFlow({ api: posts, client, authMethod: 'basic', target }),
    );

    expect(second.status).toBe('failed');
    expect(second.error?.code).toBe('AUTH_FAILED');
    expect(tokenRequestsSince(before).map((t) => t.status)).toEqual([401]);
    expect(posts.calls).toHaveLength(0);
    expect(idsOf(target)).toEqual([]);
    expect(JSON.stringify(second)).not.toContain(client.clientSecret);
  });

  it('fails as AUTH_FAILED after one token request when the secret is wrong', async () => {
    const posts = await startApi(2, 0);
    const before = provider.tokenRequests.length;
    const client = { clientId: provider.postClient.clientId, clientSecret: 'not-the-secret' };

    const summary = await runInProcess(
      postsFlow({ api: posts, client, authMethod: 'body', target: sqliteTarget('oidc-wrong') }),
    );

    expect(summary.error?.code).toBe('AUTH_FAILED');
    expect(tokenRequestsSince(before).map((t) => t.status)).toEqual([401]);
    expect(posts.calls).toHaveLength(0);
    expect(summary.error?.message).not.toContain('not-the-secret');
  });
});
