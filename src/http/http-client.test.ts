import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';

import { OriginSet } from '../auth/origin-set.js';
import { ApiKeyAuthenticator, BearerAuthenticator } from '../auth/static-authenticators.js';
import {
  AuthError,
  ForbiddenError,
  HttpStatusError,
  ResponseTooLargeError,
  RetriesExhaustedError,
  RunCancelledError,
} from '../errors/errors.js';
import { HttpClient } from './http-client.js';
import type { HttpCounters } from './http-types.js';
import { captureLogs } from './log-capture.js';
import { RateBudget } from './rate-budget.js';
import {
  sendJson,
  startScriptedServer,
  type ScriptedHandler,
  type ScriptedServer,
} from './scripted-server.js';

const SECRET = 'sk-live-5d41402abc4b2a76b9719d911017c592';
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

async function server(handler: ScriptedHandler): Promise<ScriptedServer> {
  const started = await startScriptedServer(handler);
  cleanups.push(() => started.close());
  return started;
}

function client(): HttpClient {
  const created = new HttpClient({ random: () => 0.5 });
  cleanups.push(() => created.close());
  return created;
}

const counters = (): HttpCounters => ({ requests: 0, retries: 0, bytes: 0 });

describe('HttpClient', () => {
  it('returns the whole body with lower-case headers and counts requests and bytes', async () => {
    const upstream = await server((_req, res) =>
      sendJson(res, 200, { ok: true }, { 'X-Thing': 'a' }),
    );
    const count = counters();

    const res = await client().send(
      { method: 'GET', url: `${upstream.url}/v1/x` },
      { counters: count },
    );

    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ ok: true });
    expect(res.headers['x-thing']).toBe('a');
    expect(res.method).toBe('GET');
    expect(count).toEqual({ requests: 1, retries: 0, bytes: res.body.length });
  });

  it('decodes a gzip body and counts the bytes on the wire', async () => {
    const text = JSON.stringify({ results: Array.from({ length: 200 }, (_, i) => ({ id: i })) });
    const zipped = gzipSync(text);
    const upstream = await server((req, res) => {
      expect(req.headers['accept-encoding']).toContain('gzip');
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': zipped.length });
      res.end(zipped);
    });
    const count = counters();

    const res = await client().send({ method: 'GET', url: upstream.url }, { counters: count });

    expect(res.body.toString()).toBe(text);
    expect(count.bytes).toBe(zipped.length);
  });

  it('sends the body and method as given', async () => {
    const upstream = await server((_req, res) => sendJson(res, 201, {}));
    const body = JSON.stringify({ delete_all_hits: false });

    await client().send({
      method: 'POST',
      url: upstream.url,
      body,
      headers: { 'Content-Type': 'application/json' },
    });

    expect(upstream.requests[0]).toMatchObject({ method: 'POST', body });
    expect(upstream.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('waits at least what Retry-After says after a 429, then succeeds (R1)', async () => {
    const upstream = await server((_req, res, i) =>
      i === 0
        ? sendJson(res, 429, { error: 'rate_limited' }, { 'retry-after': '1' })
        : sendJson(res, 200, {}),
    );
    const logs = captureLogs();
    const count = counters();

    await client().send(
      { method: 'GET', url: `${upstream.url}/v1/p?page=7` },
      { counters: count, logger: logs.logger, context: { flow: 'f' } },
    );

    const [first, second] = upstream.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    expect(count).toMatchObject({ requests: 2, retries: 1 });
    const retryLine = JSON.parse(
      logs.lines.find((l) => l.includes('retrying request')) ?? '{}',
    ) as Record<string, unknown>;
    expect(retryLine).toMatchObject({
      level: 40,
      status: 429,
      attempt: 1,
      waitMs: 1000,
      flow: 'f',
      method: 'GET',
    });
    expect(retryLine['url']).toBe(`${upstream.url}/v1/p?page=7`);
    expect(String(retryLine['reason'])).toContain('retry-after');
  });

  it('waits until an HTTP-date Retry-After after a 429', async () => {
    let retryAt = 0;
    const upstream = await server((_req, res, i) => {
      if (i > 0) return sendJson(res, 200, {});
      retryAt = (Math.floor(Date.now() / 1000) + 2) * 1000;
      sendJson(res, 429, {}, { 'retry-after': new Date(retryAt).toUTCString() });
    });

    await client().send({ method: 'GET', url: upstream.url });

    expect(upstream.requests).toHaveLength(2);
    expect(upstream.requests[1]!.at).toBeGreaterThanOrEqual(retryAt - 20);
  });

  it('makes other users of the budget wait out a 429', async () => {
    const upstream = await server((req, res) =>
      req.url === '/limited' && upstream.requests.length === 1
        ? sendJson(res, 429, {}, { 'retry-after': '1' })
        : sendJson(res, 200, {}),
    );
    const budget = new RateBudget({ requestsPerMinute: 6000 });
    const http = client();

    const limited = http.send({ method: 'GET', url: `${upstream.url}/limited` }, { budget });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const other = http.send({ method: 'GET', url: `${upstream.url}/other` }, { budget });
    await Promise.all([limited, other]);

    const first429 = upstream.requests[0]!.at;
    const otherAt = upstream.requests.find((r) => r.url === '/other')!.at;
    expect(otherAt - first429).toBeGreaterThanOrEqual(990);
  });

  it('gives up on a 504 that never stops after the attempt limit (R3)', async () => {
    const upstream = await server((_req, res) => {
      res.writeHead(504, { 'content-type': 'text/html' });
      res.end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
    });
    const count = counters();

    const error = await client()
      .send(
        { method: 'GET', url: `${upstream.url}/v1/x?cursor=abc&api_key=${SECRET}` },
        { counters: count, retry: { ...FAST_RETRY, maxAttempts: 4 } },
      )
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetriesExhaustedError);
    const message = (error as Error).message;
    expect(message).toContain(`GET ${upstream.url}/v1/x?cursor=abc&api_key=***`);
    expect(message).toContain('after 4 attempts');
    expect(message).toContain('last answer 504');
    expect(message).toContain('504 Gateway Time-out');
    expect(message).not.toContain(SECRET);
    expect(upstream.requests).toHaveLength(4);
    expect(count).toMatchObject({ requests: 4, retries: 3 });
  });

  it('retries a connection reset', async () => {
    const upstream = await server((_req, res, i) => {
      if (i === 0) res.socket?.destroy();
      else sendJson(res, 200, { ok: 1 });
    });

    const res = await client().send({ method: 'GET', url: upstream.url }, { retry: FAST_RETRY });

    expect(res.status).toBe(200);
    expect(upstream.requests).toHaveLength(2);
  });

  it('retries a body cut short of its Content-Length', async () => {
    const upstream = await server((_req, res, i) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      if (i === 0) {
        res.write('{"results": [');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.end(`{"results": []}${' '.repeat(85)}`);
    });
    const logs = captureLogs();

    const res = await client().send(
      { method: 'GET', url: upstream.url },
      { retry: FAST_RETRY, logger: logs.logger },
    );

    expect(res.body.toString().trim()).toBe('{"results": []}');
    expect(upstream.requests).toHaveLength(2);
    expect(logs.text()).toContain('"status":"truncated"');
  });

  it('retries an attempt that times out', async () => {
    const upstream = await server((_req, res, i) => {
      if (i === 0) return; // never answers
      sendJson(res, 200, {});
    });

    const res = await client().send(
      { method: 'GET', url: upstream.url },
      { timeoutMs: 200, retry: FAST_RETRY },
    );

    expect(res.status).toBe(200);
    expect(upstream.requests).toHaveLength(2);
  });

  it('does not retry a 400 and names the upstream message', async () => {
    const upstream = await server((_req, res) =>
      sendJson(res, 400, { error: 'bad_request', message: 'limit must be between 1 and 100' }),
    );
    const count = counters();

    const error = await client()
      .send(
        { method: 'GET', url: `${upstream.url}/v1/sites/1/surveys?limit=500` },
        { counters: count },
      )
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(400);
    expect((error as Error).message).toBe(
      `GET ${upstream.url}/v1/sites/1/surveys?limit=500 answered 400: limit must be between 1 and 100`,
    );
    expect(upstream.requests).toHaveLength(1);
    expect(count.retries).toBe(0);
  });

  it('raises ForbiddenError on a 403 without retrying', async () => {
    const upstream = await server((_req, res) =>
      sendJson(res, 403, { msg: 'plan does not allow this' }),
    );

    const error = await client()
      .send({ method: 'GET', url: upstream.url })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toContain('plan does not allow this');
    expect(upstream.requests).toHaveLength(1);
  });

  it('returns a status listed in passStatuses instead of raising', async () => {
    const upstream = await server((_req, res) => sendJson(res, 404, {}));
    const res = await client().send({ method: 'GET', url: upstream.url }, { passStatuses: [404] });
    expect(res.status).toBe(404);
  });

  it('fails a static credential answered 401 as an auth error without a retry loop', async () => {
    const upstream = await server((_req, res) => sendJson(res, 401, { error: 'invalid_token' }));
    const auth = new BearerAuthenticator(new OriginSet([upstream.url]), SECRET);

    const error = await client()
      .send({ method: 'GET', url: upstream.url }, { auth })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).not.toContain(SECRET);
    expect(upstream.requests).toHaveLength(1);
  });

  it('refuses a body over maxBodyBytes', async () => {
    const upstream = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('x'.repeat(5000));
    });

    const error = await client()
      .send({ method: 'GET', url: upstream.url }, { maxBodyBytes: 1000 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(upstream.requests).toHaveLength(1);
  });

  it('stops waiting for a retry when the signal aborts', async () => {
    const upstream = await server((_req, res) => sendJson(res, 503, {}, { 'retry-after': '30' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);

    const error = await client()
      .send({ method: 'GET', url: upstream.url }, { signal: controller.signal })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RunCancelledError);
    expect(upstream.requests).toHaveLength(1);
  });

  it('gives up when the connection is refused every time', async () => {
    const gone = await startScriptedServer(() => undefined);
    await gone.close();

    const error = await client()
      .send({ method: 'GET', url: `${gone.url}/x` }, { retry: { ...FAST_RETRY, maxAttempts: 3 } })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).message).toContain('connection refused');
  });
});

describe('HttpClient origin binding', () => {
  it('sends the credential to its origin only, and warns once per foreign origin', async () => {
    const own = await server((_req, res) => sendJson(res, 200, {}));
    const foreign = await server((_req, res) => sendJson(res, 200, {}));
    const auth = new BearerAuthenticator(new OriginSet([own.url]), SECRET);
    const logs = captureLogs();
    const http = client();

    await http.send({ method: 'GET', url: `${own.url}/a` }, { auth, logger: logs.logger });
    await http.send({ method: 'GET', url: `${foreign.url}/b` }, { auth, logger: logs.logger });
    await http.send({ method: 'GET', url: `${foreign.url}/c` }, { auth, logger: logs.logger });

    expect(own.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(foreign.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    const warnings = logs.lines.filter((l) => l.includes('credential not sent'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(new URL(foreign.url).origin);
    expect(logs.text()).not.toContain(SECRET);
  });

  it('puts a query api key only on requests to its origin', async () => {
    const own = await server((_req, res) => sendJson(res, 200, {}));
    const foreign = await server((_req, res) => sendJson(res, 200, {}));
    const auth = new ApiKeyAuthenticator(new OriginSet([own.url]), {
      in: 'query',
      name: 'api_key',
      value: SECRET,
    });
    const http = client();

    const res = await http.send({ method: 'GET', url: `${own.url}/a?x=1` }, { auth });
    await http.send({ method: 'GET', url: `${foreign.url}/a?x=1` }, { auth });

    expect(own.requests[0]?.url).toBe(`/a?x=1&api_key=${SECRET}`);
    expect(res.url).toBe(`${own.url}/a?x=1`);
    expect(foreign.requests[0]?.url).toBe('/a?x=1');
  });

  it('keeps a query api key out of errors', async () => {
    const own = await server((_req, res) => sendJson(res, 404, { message: 'no such survey' }));
    const auth = new ApiKeyAuthenticator(new OriginSet([own.url]), {
      in: 'query',
      name: 'k',
      value: SECRET,
    });

    const error = await client()
      .send({ method: 'GET', url: `${own.url}/s` }, { auth })
      .catch((e: unknown) => e);

    expect((error as Error).message).toBe(`GET ${own.url}/s answered 404: no such survey`);
    expect(own.requests[0]?.url).toBe(`/s?k=${SECRET}`);
  });

  it('follows a redirect to another origin without the credential', async () => {
    const foreign = await server((_req, res) => sendJson(res, 200, { landed: true }));
    const own = await server((_req, res) => {
      res.writeHead(302, { location: `${foreign.url}/landing` });
      res.end();
    });
    const auth = new BearerAuthenticator(new OriginSet([own.url]), SECRET);

    const res = await client().send(
      { method: 'GET', url: `${own.url}/start`, headers: { Authorization: `Bearer ${SECRET}` } },
      { auth },
    );

    expect(res.url).toBe(`${foreign.url}/landing`);
    expect(own.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(foreign.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('follows a same-origin redirect with the credential, and stops after 5 redirects', async () => {
    const own = await server((req, res) => {
      const n = Number(req.url.slice(1));
      res.writeHead(307, { location: `/${n + 1}` });
      res.end();
    });
    const auth = new BearerAuthenticator(new OriginSet([own.url]), SECRET);

    const error = await client()
      .send({ method: 'GET', url: `${own.url}/0` }, { auth })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as Error).message).toContain('more than 5 redirects');
    expect(own.requests).toHaveLength(6);
    expect(own.requests.every((r) => r.headers.authorization === `Bearer ${SECRET}`)).toBe(true);
  });
});
