import { afterEach, describe, expect, it } from 'vitest';

import { sendJson, startLocalApi, type LocalApi } from '../test-support/local-api.js';
import { runInProcess } from '../test-support/run-against-emulator.js';
import { startNumberedApi, numberedRecords } from './test-support/numbered-api.js';
import { idsOf, restFlow, sqliteTarget } from './test-support/rest-flow.js';

const servers: LocalApi[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(server: Promise<LocalApi>): Promise<LocalApi> {
  const started = await server;
  servers.push(started);
  return started;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

interface StopCase {
  stop: 'empty' | 'short' | 'total' | 'has_more';
  records: number;
  /** The page numbers (or offsets) the flow must request, in order. */
  requested: number[];
}

// 23 records end on a short page; 25 end on a full one, where only total and has_more know
// that nothing follows.
const pageCases: StopCase[] = [
  { stop: 'empty', records: 23, requested: range(1, 6) },
  { stop: 'short', records: 23, requested: range(1, 5) },
  { stop: 'short', records: 25, requested: range(1, 6) },
  { stop: 'total', records: 25, requested: range(1, 5) },
  { stop: 'has_more', records: 25, requested: range(1, 5) },
];

const stopFields = { total_path: '$.total', has_more_path: '$.meta.has_more' };

describe('page pagination stop rules', () => {
  it.each(pageCases)(
    'stop $stop over $records records requests pages $requested',
    async ({ stop, records, requested }) => {
      const api = await serve(startNumberedApi(records));
      const target = sqliteTarget(`page-${stop}`);
      const flow = restFlow(
        'page-stop',
        {
          request: { url: `${api.url}/items` },
          records: '$.data[*]',
          pagination: {
            type: 'page',
            page_param: 'page',
            size_param: 'per_page',
            size: 5,
            stop,
            ...stopFields,
          },
        },
        target,
      );

      const summary = await runInProcess(flow);

      expect(summary.error).toBeNull();
      expect(api.requests.map((r) => Number(r.url.searchParams.get('page')))).toEqual(requested);
      expect(idsOf(target)).toEqual(range(1, records));
    },
  );
});

describe('offset pagination stop rules', () => {
  it.each(pageCases)(
    'stop $stop over $records records requests one offset per page',
    async ({ stop, records, requested }) => {
      const api = await serve(startNumberedApi(records));
      const target = sqliteTarget(`offset-${stop}`);
      const flow = restFlow(
        'offset-stop',
        {
          request: { url: `${api.url}/items` },
          records: '$.data[*]',
          pagination: {
            type: 'offset',
            offset_param: 'offset',
            limit_param: 'limit',
            limit: 5,
            stop,
            ...stopFields,
          },
        },
        target,
      );

      const summary = await runInProcess(flow);

      expect(summary.error).toBeNull();
      // The offset moves by the records read, so after a short last page it is the record count.
      expect(api.requests.map((r) => Number(r.url.searchParams.get('offset')))).toEqual(
        requested.map((page) => Math.min((page - 1) * 5, records)),
      );
      expect(api.requests.every((r) => r.url.searchParams.get('limit') === '5')).toBe(true);
      expect(idsOf(target)).toEqual(range(1, records));
    },
  );
});

/** 23 records, 5 per page; cursors are opaque strings naming the next first index. */
function cursorPage(cursor: string | undefined): { data: { id: number }[]; next: string | null } {
  const first = cursor === undefined ? 0 : Number(Buffer.from(cursor, 'base64url').toString());
  const data = numberedRecords(23).slice(first, first + 5);
  const more = first + 5 < 23;
  return { data, next: more ? Buffer.from(String(first + 5)).toString('base64url') : null };
}

describe('cursor pagination', () => {
  it('reads the cursor from a body path and sends it back in the query', async () => {
    const api = await serve(
      startLocalApi((request, response) => {
        const page = cursorPage(request.url.searchParams.get('after') ?? undefined);
        sendJson(response, { items: page.data, paging: { next: page.next } });
      }),
    );
    const target = sqliteTarget('cursor-body-path');
    const flow = restFlow(
      'cursor-query',
      {
        request: { url: `${api.url}/items`, query: { status: 'open' } },
        records: '$.items[*]',
        pagination: { type: 'cursor', cursor_path: '$.paging.next', cursor_param: 'after' },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    expect(api.requests).toHaveLength(5);
    expect(api.requests[0]?.url.searchParams.has('after')).toBe(false);
    expect(api.requests[1]?.url.searchParams.get('after')).toBe(cursorPage(undefined).next);
    expect(api.requests.every((r) => r.url.searchParams.get('status') === 'open')).toBe(true);
    expect(idsOf(target)).toEqual(range(1, 23));
  });

  it('reads the cursor from a response header and sends it back in a request header', async () => {
    const sentCursors: (string | undefined)[] = [];
    const api = await serve(
      startLocalApi((request, response) => {
        const cursor = request.raw.headers['x-cursor'];
        sentCursors.push(typeof cursor === 'string' ? cursor : undefined);
        const page = cursorPage(typeof cursor === 'string' ? cursor : undefined);
        if (page.next !== null) response.setHeader('X-Next-Cursor', page.next);
        sendJson(response, page.data);
      }),
    );
    const target = sqliteTarget('cursor-header');
    const flow = restFlow(
      'cursor-header',
      {
        request: { url: `${api.url}/items` },
        pagination: {
          type: 'cursor',
          cursor_header: 'X-Next-Cursor',
          cursor_param: 'X-Cursor',
          cursor_in: 'header',
        },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    const expected = [undefined, '5', '10', '15', '20'].map((first) =>
      first === undefined ? undefined : Buffer.from(first).toString('base64url'),
    );
    expect(sentCursors).toEqual(expected);
    expect(api.requests.every((r) => r.url.search === '')).toBe(true);
    expect(idsOf(target)).toEqual(range(1, 23));
  });

  it('sends the cursor in the JSON body of a POST, next to the declared body', async () => {
    const api = await serve(
      startLocalApi((request, response) => {
        const body = JSON.parse(request.body) as { after?: string };
        sendJson(response, {
          results: cursorPage(body.after).data,
          cursor: cursorPage(body.after).next,
        });
      }),
    );
    const target = sqliteTarget('cursor-in-body');
    const flow = restFlow(
      'cursor-body',
      {
        request: { method: 'POST', url: `${api.url}/search`, body: { filter: { status: 'open' } } },
        records: '$.results[*]',
        pagination: {
          type: 'cursor',
          cursor_path: '$.cursor',
          cursor_param: 'after',
          cursor_in: 'body',
        },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    const bodies = api.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies[0]).toEqual({ filter: { status: 'open' } });
    expect(bodies[1]).toEqual({ filter: { status: 'open' }, after: cursorPage(undefined).next });
    expect(bodies).toHaveLength(5);
    expect(api.requests.every((r) => r.method === 'POST' && r.url.search === '')).toBe(true);
    expect(idsOf(target)).toEqual(range(1, 23));
  });

  it('P5: ends after page 1 with a warning when the cursor path names a field the API never sends', async () => {
    const api = await serve(
      startLocalApi((_request, response) => {
        // The API ignores any cursor and always answers page 1 with its own cursor field.
        sendJson(response, { data: numberedRecords(5), next_cursor: 'abc' });
      }),
    );
    const target = sqliteTarget('cursor-missing');
    const flow = restFlow(
      'cursor-missing',
      {
        request: { url: `${api.url}/items` },
        records: '$.data[*]',
        pagination: { type: 'cursor', cursor_path: '$.next_token', cursor_param: 'cursor' },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.status).toBe('succeeded');
    expect(api.requests).toHaveLength(1);
    expect(idsOf(target)).toEqual(range(1, 5));
    expect(summary.warnings.some((w) => w.includes('$.next_token'))).toBe(true);
  });
});

describe('page numbers sent to an API that ignores them', () => {
  it('fails as PAGINATION_STALLED on the second identical page, writing page 1 once', async () => {
    const api = await serve(
      startLocalApi((_request, response) => sendJson(response, { data: numberedRecords(5) })),
    );
    const target = sqliteTarget('page-ignored');
    const flow = restFlow(
      'page-ignored',
      {
        request: { url: `${api.url}/items` },
        records: '$.data[*]',
        pagination: { type: 'page', page_param: 'page' },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error?.code).toBe('PAGINATION_STALLED');
    expect(api.requests).toHaveLength(2);
    expect(idsOf(target)).toEqual(range(1, 5));
  });
});

describe('a large page (streamed in chunks) sent again by an API that ignores the page number', () => {
  it('fails as PAGINATION_STALLED without writing the repeated page', async () => {
    // About 1.5 MB: above the size read whole, so its records are handed on while it arrives.
    const records = numberedRecords(3_000).map((r) => ({ ...r, text: 'x'.repeat(480) }));
    const api = await serve(
      startLocalApi((_request, response) => sendJson(response, { data: records })),
    );
    const target = sqliteTarget('large-page-ignored');
    const flow = restFlow(
      'large-page-ignored',
      {
        request: { url: `${api.url}/items` },
        records: '$.data[*]',
        pagination: { type: 'page', page_param: 'page' },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error?.code).toBe('PAGINATION_STALLED');
    expect(api.requests).toHaveLength(2);
    expect(idsOf(target)).toEqual(range(1, 3_000));
  });
});

describe('link following', () => {
  it('follows a relative next URL from the body as given', async () => {
    const api = await serve(
      startLocalApi((request, response) => {
        const page = Number(request.url.searchParams.get('p') ?? '1');
        const next = page < 4 ? `/v2/items?p=${page + 1}&sig=x%2Fy` : null;
        sendJson(response, { data: [{ id: page }], links: { next } });
      }),
    );
    const target = sqliteTarget('next-url');
    const flow = restFlow(
      'next-url',
      {
        request: { url: `${api.url}/v1/items`, query: { fields: 'id' } },
        records: '$.data[*]',
        pagination: { type: 'next_url', next_url_path: '$.links.next' },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    expect(api.requests.map((r) => r.url.pathname + r.url.search)).toEqual([
      '/v1/items?fields=id',
      '/v2/items?p=2&sig=x%2Fy',
      '/v2/items?p=3&sig=x%2Fy',
      '/v2/items?p=4&sig=x%2Fy',
    ]);
    expect(idsOf(target)).toEqual([1, 2, 3, 4]);
  });

  it('follows the rel="next" Link header among other relations until there is none', async () => {
    const api = await serve(
      startLocalApi((request, response) => {
        const page = Number(request.url.searchParams.get('page') ?? '1');
        const link = (p: number, rel: string): string =>
          `<${api.url}/items?page=${p}>; rel="${rel}"`;
        const links = [link(1, 'first'), link(4, 'last')];
        if (page < 4) links.splice(1, 0, link(page + 1, 'next'));
        response.setHeader('link', links.join(', '));
        sendJson(response, [{ id: page }]);
      }),
    );
    const target = sqliteTarget('link-header');
    const flow = restFlow(
      'link-header',
      { request: { url: `${api.url}/items` }, pagination: { type: 'link_header' } },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    expect(api.requests).toHaveLength(4);
    expect(idsOf(target)).toEqual([1, 2, 3, 4]);
  });
});

describe('max_pages', () => {
  it('stops at max_pages with a warning in the summary, keeping what was read', async () => {
    const api = await serve(startNumberedApi(23));
    const target = sqliteTarget('max-pages');
    const flow = restFlow(
      'max-pages',
      {
        request: { url: `${api.url}/items` },
        records: '$.data[*]',
        pagination: { type: 'page', page_param: 'page', size: 5, stop: 'short', max_pages: 2 },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.status).toBe('succeeded');
    expect(api.requests).toHaveLength(2);
    expect(summary.counts.pages).toBe(2);
    expect(summary.warnings.some((w) => w.includes('max_pages (2)'))).toBe(true);
    expect(idsOf(target)).toEqual(range(1, 10));
  });
});

describe('a POST source paginated in its JSON body (P7)', () => {
  it('carries page 2 in the body of request 2, next to the declared body fields', async () => {
    const api = await serve(startNumberedApi(23, 'body'));
    const target = sqliteTarget('post-page');
    const flow = restFlow(
      'post-page',
      {
        request: { method: 'POST', url: `${api.url}/search`, body: { query: 'status:open' } },
        records: '$.data[*]',
        pagination: {
          type: 'page',
          page_param: 'page',
          page_in: 'body',
          size_param: 'per_page',
          size: 5,
          stop: 'short',
        },
      },
      target,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    const bodies = api.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies).toEqual(
      range(1, 5).map((page) => ({ query: 'status:open', page, per_page: 5 })),
    );
    expect(api.requests.every((r) => r.method === 'POST' && r.url.search === '')).toBe(true);
    expect(idsOf(target)).toEqual(range(1, 23));
  });
});
