import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';

import { AuthError, KeyExpiredError } from '../errors/errors.js';
import { HttpClient } from '../http/http-client.js';
import { captureLogs } from '../http/log-capture.js';
import { ManualClock } from '../http/manual-clock.js';
import {
  sendJson,
  startScriptedServer,
  type SeenRequest,
  type ScriptedServer,
} from '../http/scripted-server.js';
import { createAuthenticator } from './create-authenticator.js';
import type { CredentialConfig } from './credential-config.js';
import { TokenCacheRegistry } from './token-cache-registry.js';

const CLIENT_ID = 'client-7f3a';
const CLIENT_SECRET = 'cs_9b8c7d6e5f4a3b2c1d0e';

interface TokenServerOptions {
  /** What the token answer carries as `expires_in` (undefined: the field is left out). */
  expiresIn?: unknown;
  /** How long the server honours a token, in ms (default: `expires_in` seconds). */
  validForMs?: number;
  /** Script for the token endpoint; return true when it answered. */
  onToken?: (req: SeenRequest, res: ServerResponse, index: number) => boolean;
  /** Script for data requests; return true when it answered. */
  onData?: (req: SeenRequest, res: ServerResponse, index: number) => boolean;
}

interface TokenServer extends ScriptedServer {
  tokenRequests: () => SeenRequest[];
  dataRequests: () => SeenRequest[];
  /** Data requests that were answered 401. */
  rejected: string[];
  issued: string[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

/** A Hotjar-like upstream: a token endpoint and `/v1/data`, which checks the token's expiry. */
async function tokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const expiries = new Map<string, number>();
  const rejected: string[] = [];
  const issued: string[] = [];
  let tokenIndex = 0;
  let dataIndex = 0;

  const server = await startScriptedServer((req, res) => {
    if (req.url === '/v1/oauth/token') {
      const index = tokenIndex++;
      if (options.onToken?.(req, res, index) === true) return;
      const token = `at_${index}_${Math.random().toString(36).slice(2)}`;
      const seconds = typeof options.expiresIn === 'number' ? options.expiresIn : 3600;
      expiries.set(token, Date.now() + (options.validForMs ?? seconds * 1000));
      issued.push(token);
      const body: Record<string, unknown> = { access_token: token, token_type: 'bearer' };
      if (options.expiresIn !== undefined) body['expires_in'] = options.expiresIn;
      return sendJson(res, 200, body);
    }

    const index = dataIndex++;
    if (options.onData?.(req, res, index) === true) return;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if ((expiries.get(token) ?? 0) <= Date.now()) {
      rejected.push(req.url);
      return sendJson(res, 401, {
        error: 'invalid_token',
        message: 'The access token is invalid or expired',
      });
    }
    sendJson(res, 200, { results: [{ id: index }], next_cursor: null });
  });
  cleanups.push(() => server.close());

  return {
    ...server,
    tokenRequests: () => server.requests.filter((r) => r.url === '/v1/oauth/token'),
    dataRequests: () => server.requests.filter((r) => r.url !== '/v1/oauth/token'),
    rejected,
    issued,
  };
}

function httpClient(): HttpClient {
  const http = new HttpClient({ random: () => 0.5 });
  cleanups.push(() => http.close());
  return http;
}

const hotjar: CredentialConfig = {
  type: 'hotjar',
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
};

describe('client-credentials authenticator', () => {
  it('fetches a token with a form-encoded client-credentials request and sends it as Bearer', async () => {
    const upstream = await tokenServer({ expiresIn: 3600 });
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url });

    const res = await http.send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth });

    expect(res.status).toBe(200);
    const tokenRequest = upstream.tokenRequests()[0]!;
    expect(tokenRequest.method).toBe('POST');
    expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(upstream.dataRequests()[0]?.headers.authorization).toBe(`Bearer ${upstream.issued[0]}`);
  });

  it('renews a 2-second token before it expires during a 6-second run, so nothing is answered 401 (T1)', async () => {
    const upstream = await tokenServer({ expiresIn: 2 });
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url });

    const started = Date.now();
    while (Date.now() - started < 6000) {
      await http.send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }

    expect(upstream.rejected).toEqual([]);
    expect(upstream.tokenRequests().length).toBeGreaterThanOrEqual(4);
    expect(upstream.dataRequests().length).toBeGreaterThan(20);
  });

  it('renews a 3600-second token before the request once the clock is past expiry minus the margin (T2)', async () => {
    const upstream = await tokenServer({ expiresIn: 3600 });
    const clock = new ManualClock(1_700_000_000_000);
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url, clock });
    const get = (): Promise<unknown> =>
      http.send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth });

    await get();
    await clock.advance((3600 - 360 - 1) * 1000);
    await get();
    expect(upstream.tokenRequests()).toHaveLength(1);

    await clock.advance(1000);
    await get();
    expect(upstream.tokenRequests()).toHaveLength(2);
    expect(upstream.requests.map((r) => r.url).slice(-2)).toEqual(['/v1/oauth/token', '/v1/data']);
    expect(upstream.dataRequests()[2]?.headers.authorization).toBe(`Bearer ${upstream.issued[1]}`);
  });

  it('refreshes once after a 401 in the middle of a run and replays the same request (T3)', async () => {
    const upstream = await tokenServer({
      expiresIn: 3600,
      onData: (req, res, i) => {
        if (i !== 2) return false;
        sendJson(res, 401, { error: 'invalid_token' });
        return true;
      },
    });
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url });

    for (const page of [1, 2, 3, 4]) {
      const res = await http.send(
        { method: 'GET', url: `${upstream.url}/v1/data?page=${page}` },
        { auth },
      );
      expect(res.status).toBe(200);
    }

    expect(upstream.tokenRequests()).toHaveLength(2);
    expect(upstream.dataRequests().map((r) => r.url)).toEqual([
      '/v1/data?page=1',
      '/v1/data?page=2',
      '/v1/data?page=3',
      '/v1/data?page=3',
      '/v1/data?page=4',
    ]);
    expect(upstream.dataRequests()[3]?.headers.authorization).toBe(`Bearer ${upstream.issued[1]}`);
  });

  it('fails as an auth error when a 401 follows right after a refresh (T3)', async () => {
    const upstream = await tokenServer({
      onData: (_req, res) => {
        sendJson(res, 401, { error: 'invalid_token', message: 'token revoked' });
        return true;
      },
    });
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url });

    const error = await http
      .send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('token revoked');
    expect(upstream.tokenRequests()).toHaveLength(2);
    expect(upstream.dataRequests()).toHaveLength(2);
  });

  it('renews once when several concurrent requests are refused with the same token', async () => {
    let refusedFirstToken = 0;
    const upstream = await tokenServer({
      onData: (req, res) => {
        if (!(req.headers.authorization ?? '').includes('at_0_')) return false;
        refusedFirstToken += 1;
        sendJson(res, 401, {});
        return true;
      },
    });
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url });

    const urls = ['a', 'b', 'c'].map((s) => `${upstream.url}/v1/data/${s}`);
    await Promise.all(urls.map((url) => http.send({ method: 'GET', url }, { auth })));

    expect(refusedFirstToken).toBe(3);
    expect(upstream.tokenRequests()).toHaveLength(2);
  });

  it('sends exactly one token request when three streams start at once (T4)', async () => {
    const upstream = await tokenServer({ expiresIn: 3600 });
    const http = httpClient();
    const tokenCaches = new TokenCacheRegistry();
    const streams = [1, 2, 3].map(() =>
      createAuthenticator(hotjar, { http, baseUrl: upstream.url, tokenCaches }),
    );

    await Promise.all(
      streams.map((auth, i) =>
        http.send({ method: 'GET', url: `${upstream.url}/v1/data?s=${i}` }, { auth }),
      ),
    );

    expect(upstream.tokenRequests()).toHaveLength(1);
    expect(upstream.dataRequests()).toHaveLength(3);
  });

  it.each([
    ['a string', '3600'],
    ['missing', undefined],
  ])('accepts expires_in %s, with a 3600 s lifetime (T5)', async (_label, expiresIn) => {
    const upstream = await tokenServer({ expiresIn, validForMs: 3600_000 });
    const clock = new ManualClock(0);
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url, clock });
    const get = (): Promise<unknown> =>
      http.send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth });

    await get();
    await clock.advance(3239_000);
    await get();
    expect(upstream.tokenRequests()).toHaveLength(1);

    await clock.advance(1000);
    await get();
    expect(upstream.tokenRequests()).toHaveLength(2);
    expect(upstream.rejected).toEqual([]);
  });

  it('fails at once on a revoked client (invalid_client 401) with the upstream description', async () => {
    const upstream = await tokenServer({
      onToken: (_req, res) => {
        sendJson(res, 401, {
          error: 'invalid_client',
          error_description: 'Client authentication failed',
        });
        return true;
      },
    });
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url });

    const error = await http
      .send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe(
      `the token request to ${upstream.url}/v1/oauth/token was refused (401 invalid_client): Client authentication failed`,
    );
    expect(upstream.tokenRequests()).toHaveLength(1);
    expect(upstream.dataRequests()).toHaveLength(0);
  });

  it('reports an expired Hotjar key as KeyExpiredError', async () => {
    const upstream = await tokenServer({
      onToken: (_req, res) => {
        sendJson(res, 401, { error: 'key_expired', message: 'This API key expired on 2025-01-01' });
        return true;
      },
    });
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url });

    const error = await auth.authorize(new URL(`${upstream.url}/v1/data`)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KeyExpiredError);
    expect((error as Error).message).toContain('expired on 2025-01-01');
  });

  it('retries a token endpoint answering 503, then uses the token', async () => {
    const upstream = await tokenServer({
      onToken: (_req, res, i) => {
        if (i > 0) return false;
        sendJson(res, 503, {}, { 'retry-after': '0' });
        return true;
      },
    });
    const http = httpClient();
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url });

    const res = await http.send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth });

    expect(res.status).toBe(200);
    expect(upstream.tokenRequests()).toHaveLength(2);
  });

  it('rejects a token type other than bearer', async () => {
    const upstream = await tokenServer({
      onToken: (_req, res) => {
        sendJson(res, 200, { access_token: 'x-token-1', token_type: 'mac', expires_in: 60 });
        return true;
      },
    });
    const auth = createAuthenticator(hotjar, { http: httpClient(), baseUrl: upstream.url });

    await expect(auth.authorize(new URL(upstream.url))).rejects.toBeInstanceOf(AuthError);
  });

  it('sends id and secret as HTTP Basic, with scope and extra parameters, for auth_method basic', async () => {
    const upstream = await tokenServer({ expiresIn: 60 });
    const credential: CredentialConfig = {
      type: 'oauth2_client_credentials',
      token_url: `${upstream.url}/v1/oauth/token`,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: 'read:surveys',
      auth_method: 'basic',
      token_params: { audience: 'https://api.example' },
    };
    const auth = createAuthenticator(credential, { http: httpClient(), baseUrl: upstream.url });

    await auth.authorize(new URL(`${upstream.url}/v1/data`));

    const request = upstream.tokenRequests()[0]!;
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    expect(request.headers.authorization).toBe(`Basic ${basic}`);
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'read:surveys',
      audience: 'https://api.example',
    });
  });

  it('shares one token between two flows that use the same credential', async () => {
    const upstream = await tokenServer({ expiresIn: 3600 });
    const http = httpClient();
    const tokenCaches = new TokenCacheRegistry();
    const flowA = createAuthenticator(hotjar, { http, baseUrl: upstream.url, tokenCaches });
    const flowB = createAuthenticator(
      { ...hotjar },
      { http, baseUrl: `${upstream.url}/`, tokenCaches },
    );
    const other = createAuthenticator(
      { ...hotjar, client_secret: 'another-secret' },
      { http, baseUrl: upstream.url, tokenCaches },
    );

    await flowA.authorize(new URL(upstream.url));
    await flowB.authorize(new URL(upstream.url));
    expect(upstream.tokenRequests()).toHaveLength(1);

    await other.authorize(new URL(upstream.url));
    expect(upstream.tokenRequests()).toHaveLength(2);
  });

  it('never writes the client secret or a token into logs or error messages', async () => {
    const logs = captureLogs();
    const upstream = await tokenServer({
      expiresIn: 3600,
      onData: (req, res, i) => {
        if (i === 0) {
          sendJson(res, 503, {
            message: `upstream echoes ${req.headers.authorization ?? ''} and ${CLIENT_SECRET}`,
          });
          return true;
        }
        if (i < 3) return false;
        sendJson(res, 400, {
          error: `bad request for client_secret=${CLIENT_SECRET}`,
          detail: req.headers.authorization,
        });
        return true;
      },
    });
    const http = new HttpClient({ logger: logs.logger, random: () => 0 });
    cleanups.push(() => http.close());
    const auth = createAuthenticator(hotjar, { http, baseUrl: upstream.url, logger: logs.logger });

    await http.send(
      { method: 'GET', url: `${upstream.url}/v1/data` },
      { auth, retry: { baseDelayMs: 5 } },
    );
    await http.send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth });
    const error = await http
      .send({ method: 'GET', url: `${upstream.url}/v1/data` }, { auth })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    const everything = `${logs.text()}\n${(error as Error).message}\n${JSON.stringify(error)}`;
    expect(logs.lines.length).toBeGreaterThan(1);
    expect(everything).not.toContain(CLIENT_SECRET);
    for (const token of upstream.issued) expect(everything).not.toContain(token);
    expect(logs.text()).toContain('upstream echoes Bearer ***');
  });
});
