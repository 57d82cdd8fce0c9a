import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runInProcess } from '../test-support/run-against-emulator.js';
import {
  generatePosts,
  startJsonServer,
  type RunningJsonServer,
} from './test-support/json-server-api.js';
import { idsOf, restFlow, sqliteTarget } from './test-support/rest-flow.js';

const POSTS = 5_000;

let server: RunningJsonServer;

beforeAll(async () => {
  server = await startJsonServer(generatePosts(POSTS));
});

afterAll(async () => {
  await server.close();
});

function expectEveryPostOnce(ids: unknown[]): void {
  expect(ids).toHaveLength(POSTS);
  expect(new Set(ids).size).toBe(POSTS);
  expect(Math.min(...(ids as number[]))).toBe(1);
  expect(Math.max(...(ids as number[]))).toBe(POSTS);
}

describe('json-server 0.17.4 as the upstream API', () => {
  it.each(['short', 'empty'] as const)(
    'ingests all 5,000 posts by page number with _page and _limit (stop: %s)',
    async (stop) => {
      server.requests.length = 0;
      const target = sqliteTarget(`json-server-page-${stop}`);
      const flow = restFlow(
        'json-server-page',
        {
          request: { url: `${server.url}/posts` },
          pagination: { type: 'page', page_param: '_page', size_param: '_limit', size: 100, stop },
          primary_key: ['id'],
        },
        target,
      );

      const summary = await runInProcess(flow);

      expect(summary.error).toBeNull();
      expect(summary.counts.records_written).toBe(POSTS);
      expectEveryPostOnce(idsOf(target));
      // 50 full pages: a full last page looks like any other, so the empty page 51 ends both.
      expect(server.requests.map((r) => r.url.searchParams.get('_page'))).toEqual(
        Array.from({ length: 51 }, (_, i) => String(i + 1)),
      );
      const limits = server.requests.map((r) => r.url.searchParams.getAll('_limit').join());
      expect(limits.every((limit) => limit === '100')).toBe(true);
    },
  );

  it('ingests all 5,000 posts by following the rel="next" Link header json-server sends', async () => {
    server.requests.length = 0;
    const target = sqliteTarget('json-server-link');
    const flow = restFlow(
      'json-server-link',
      {
        request: { url: `${server.url}/posts`, query: { _page: 1, _limit: 100 } },
        pagination: { type: 'link_header' },
        primary_key: ['id'],
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    expect(summary.counts.records_written).toBe(POSTS);
    expectEveryPostOnce(idsOf(target));
    // The last page has no rel="next": exactly 50 requests, each one a 200.
    expect(server.requests).toHaveLength(50);
    expect(server.requests.every((r) => r.status === 200)).toBe(true);
    expect(server.requests.at(-1)?.url.searchParams.get('_page')).toBe('50');
  });

  it('ingests all 5,000 posts in 50 requests when the X-Total-Count header ends the pass', async () => {
    server.requests.length = 0;
    const target = sqliteTarget('json-server-total');
    const flow = restFlow(
      'json-server-total',
      {
        request: { url: `${server.url}/posts` },
        pagination: {
          type: 'page',
          page_param: '_page',
          size_param: '_limit',
          size: 100,
          stop: 'total',
          total_header: 'X-Total-Count',
        },
        primary_key: ['id'],
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    expectEveryPostOnce(idsOf(target));
    // Unlike `short` and `empty`, the total says page 50 is the last: no empty page 51.
    expect(server.requests.map((r) => r.url.searchParams.get('_page'))).toEqual(
      Array.from({ length: 50 }, (_, i) => String(i + 1)),
    );
  });
});
