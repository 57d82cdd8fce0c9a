import type { IncomingHttpHeaders } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import { captureLogs } from '../../http/log-capture.js';
import { sendJson, startLocalApi, type LocalApi } from '../test-support/local-api.js';
import { runInProcess } from '../test-support/run-against-emulator.js';
import { idsOf, restFlow, sqliteTarget } from './test-support/rest-flow.js';

const SECRET = 's3cr3t-value-0123456789';
const BASIC = `Basic ${Buffer.from(`reader:${SECRET}`).toString('base64')}`;

interface CredentialCase {
  kind: string;
  credential: Record<string, unknown>;
  /** Whether the server accepts a request: the credential is there, exactly as configured. */
  accepts: (headers: IncomingHttpHeaders, url: URL) => boolean;
  /** Whether a request carries any trace of the credential. */
  carries: (headers: IncomingHttpHeaders, url: URL) => boolean;
}

const cases: CredentialCase[] = [
  {
    kind: 'bearer',
    credential: { type: 'bearer', token: SECRET },
    accepts: (headers) => headers.authorization === `Bearer ${SECRET}`,
    carries: (headers) => headers.authorization !== undefined,
  },
  {
    kind: 'basic',
    credential: { type: 'basic', username: 'reader', password: SECRET },
    accepts: (headers) => headers.authorization === BASIC,
    carries: (headers) => headers.authorization !== undefined,
  },
  {
    kind: 'api_key in a header',
    credential: { type: 'api_key', in: 'header', name: 'X-Api-Key', value: SECRET },
    accepts: (headers, url) => headers['x-api-key'] === SECRET && !url.searchParams.has('api_key'),
    carries: (headers) => headers['x-api-key'] !== undefined,
  },
  {
    kind: 'api_key in the query',
    credential: { type: 'api_key', in: 'query', name: 'api_key', value: SECRET },
    accepts: (headers, url) =>
      url.searchParams.getAll('api_key').join() === SECRET && headers['x-api-key'] === undefined,
    carries: (_headers, url) => url.searchParams.has('api_key'),
  },
  {
    kind: 'none',
    credential: { type: 'none' },
    accepts: (headers, url) =>
      headers.authorization === undefined && !url.searchParams.has('api_key'),
    carries: () => false,
  },
];

const servers: LocalApi[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** One observed request: whether the server accepted it and whether it carried the credential. */
interface Seen {
  path: string;
  accepted: boolean;
  carried: boolean;
}

/** A 3-page cursor API that answers 401 unless `accepts` holds. */
async function checkingApi(check: CredentialCase, seen: Seen[]): Promise<LocalApi> {
  const server = await startLocalApi((request, response) => {
    const accepted = check.accepts(request.raw.headers, request.url);
    seen.push({
      path: request.url.pathname,
      accepted,
      carried: check.carries(request.raw.headers, request.url),
    });
    if (!accepted) return sendJson(response, { error: 'unauthorized' }, 401);

    const page = Number(request.url.searchParams.get('cursor') ?? '1');
    const data = [{ id: page * 2 - 1 }, { id: page * 2 }];
    sendJson(response, { data, next: page < 3 ? String(page + 1) : null });
  });
  servers.push(server);
  return server;
}

describe('each credential kind against a server that checks it', () => {
  it.each(cases)('reads every page with $kind', async (check) => {
    const seen: Seen[] = [];
    const api = await checkingApi(check, seen);
    const target = sqliteTarget(`credential-${check.kind.replaceAll(' ', '-')}`);
    const flow = restFlow(
      'credential-kind',
      {
        credential: check.credential,
        request: { url: `${api.url}/items` },
        records: '$.data[*]',
        pagination: { type: 'cursor', cursor_path: '$.next', cursor_param: 'cursor' },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.accepted)).toBe(true);
    expect(idsOf(target)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('fails as AUTH_FAILED after a single request when a static token is refused', async () => {
    const seen: Seen[] = [];
    const bearer = cases[0] as CredentialCase;
    const api = await checkingApi(bearer, seen);
    const flow = restFlow(
      'credential-refused',
      {
        credential: { type: 'bearer', token: 'wrong-token-value' },
        request: { url: `${api.url}/items` },
        records: '$.data[*]',
      },
      sqliteTarget('credential-refused'),
    );

    const summary = await runInProcess(flow);

    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('AUTH_FAILED');
    expect(seen).toHaveLength(1);
    expect(summary.error?.message).not.toContain('wrong-token-value');
  });
});

describe('a credential bound to its origin', () => {
  const linkKinds = [
    { pagination: 'next_url', check: cases[0] },
    { pagination: 'link_header', check: cases[3] },
    { pagination: 'next_url', check: cases[2] },
    { pagination: 'link_header', check: cases[1] },
  ] as { pagination: 'next_url' | 'link_header'; check: CredentialCase }[];

  it.each(linkKinds)(
    'follows a $pagination link to another origin without the $check.kind credential',
    async ({ pagination, check }) => {
      const elsewhere: Seen[] = [];
      const other = await startLocalApi((request, response) => {
        const headers = request.raw.headers;
        elsewhere.push({
          path: request.url.pathname,
          accepted: true,
          carried: check.carries(headers, request.url),
        });
        sendJson(response, { data: [{ id: 3 }, { id: 4 }], next: null });
      });
      servers.push(other);
      const home: Seen[] = [];
      const api = await startLocalApi((request, response) => {
        const accepted = check.accepts(request.raw.headers, request.url);
        const carried = check.carries(request.raw.headers, request.url);
        home.push({ path: request.url.pathname, accepted, carried });
        if (!accepted) return sendJson(response, { error: 'unauthorized' }, 401);
        const next = `${other.url}/mirror/page-2`;
        if (pagination === 'link_header') response.setHeader('link', `<${next}>; rel="next"`);
        sendJson(response, { data: [{ id: 1 }, { id: 2 }], next });
      });
      servers.push(api);
      const target = sqliteTarget(`origin-${pagination}`);
      const flow = restFlow(
        'credential-origin',
        {
          credential: check.credential,
          request: { url: `${api.url}/items` },
          records: '$.data[*]',
          pagination:
            pagination === 'next_url'
              ? { type: 'next_url', next_url_path: '$.next' }
              : { type: 'link_header' },
        },
        target,
      );
      const logs = captureLogs();

      const summary = await runInProcess(flow, { logger: logs.logger });

      expect(summary.error).toBeNull();
      expect(home).toEqual([{ path: '/items', accepted: true, carried: true }]);
      expect(elsewhere).toEqual([{ path: '/mirror/page-2', accepted: true, carried: false }]);
      expect(idsOf(target)).toEqual([1, 2, 3, 4]);
      expect(logs.text()).toContain('credential not sent');
      expect(logs.text()).not.toContain(SECRET);
    },
  );
});
