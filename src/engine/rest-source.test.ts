import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { validateFlow } from '../source/load-flow.js';
import type { FlowConfig } from '../source/schema/flow-schema.js';
import { startLocalApi, sendJson, type LocalApi } from './test-support/local-api.js';
import { readRows, runInProcess, tempDir } from './test-support/run-against-emulator.js';
import { hotjarTemplates } from '../connectors/hotjar/template-registry.js';
import { createEngineServices } from './create-engine-services.js';
import { silentLogger } from '../log/logger.js';

let api: LocalApi | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

function restFlow(source: Record<string, unknown>, dbPath: string, write = 'append'): FlowConfig {
  return validateFlow(
    {
      version: 1,
      name: 'rest-test',
      source: { type: 'rest', ...source },
      destination: { type: 'sqlite', path: dbPath, table: 'items', write },
    },
    null,
  );
}

const fastServices = (): ReturnType<typeof createEngineServices> =>
  createEngineServices({
    logger: silentLogger(),
    templates: hotjarTemplates(),
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
  });

function stamp(i: number): string {
  return new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
}

describe('an ascending source (S1)', () => {
  it('resumes after the last committed record when a run fails after page 5 of 10', async () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, updated_at: stamp(i) }));
    let failAfterPage5 = true;
    api = await startLocalApi((request, response) => {
      const since = request.url.searchParams.get('since');
      const page = Number(request.url.searchParams.get('page') ?? '1');
      if (failAfterPage5 && page > 5) return sendJson(response, { message: 'down' }, 500);
      const matching = items.filter((item) => since === null || item.updated_at >= since);
      sendJson(response, { data: matching.slice((page - 1) * 10, page * 10) });
    });
    const dbPath = join(tempDir(), 's1.db');
    const flow = restFlow(
      {
        request: { url: `${api.url}/items` },
        records: '$.data[*]',
        pagination: { type: 'page', page_param: 'page', size: 10, stop: 'short' },
        primary_key: ['id'],
        incremental: { cursor_field: 'updated_at', order: 'asc', param: 'since' },
      },
      dbPath,
    );

    const failed = await runInProcess(flow, { services: fastServices() });
    expect(failed.status).toBe('failed');
    expect(readRows(dbPath, 'items')).toHaveLength(50);

    failAfterPage5 = false;
    api.requests.length = 0;
    const resumed = await runInProcess(flow);

    expect(resumed.error).toBeNull();
    expect(api.requests[0]?.url.searchParams.get('since')).toBe(stamp(49));
    expect(resumed.counts.records_written).toBe(50);
    const stored = readRows(dbPath, 'items').map((r) => Number(r['id']));
    expect(stored.sort((a, b) => a - b)).toEqual(items.map((i) => i.id));
  });
});

describe('a newest-first source', () => {
  it('S4: takes two records with the same instant exactly at the bookmark, each once', async () => {
    const items = [
      { id: 3, created: stamp(3) },
      { id: 2, created: stamp(2) },
      { id: 1, created: stamp(1) },
    ];
    api = await startLocalApi((_request, response) =>
      sendJson(response, { results: items, next_cursor: null }),
    );
    const dbPath = join(tempDir(), 's4.db');
    const flow = restFlow(
      {
        request: { url: `${api.url}/r` },
        records: '$.results[*]',
        pagination: { type: 'cursor', cursor_path: '$.next_cursor', cursor_param: 'cursor' },
        primary_key: ['id'],
        incremental: { cursor_field: 'created', order: 'desc' },
      },
      dbPath,
    );

    await runInProcess(flow);
    items.unshift(
      { id: 4, created: stamp(3).replace('Z', '+00:00') },
      { id: 5, created: stamp(3) },
    );
    const second = await runInProcess(flow);

    expect(second.counts.records_written).toBe(2);
    expect(readRows(dbPath, 'items').map((r) => r['id'])).toEqual(['1', '2', '3', '4', '5']);
  });
});

describe('cursor pagination against a server', () => {
  function cursorServer(): Promise<LocalApi> {
    return startLocalApi((request, response) => {
      const cursor = request.url.searchParams.get('cursor');
      if (cursor === null)
        return sendJson(response, { results: [{ id: 1 }, { id: 2 }], next_cursor: '' });
      if (cursor === '') return sendJson(response, { results: [{ id: 3 }], next_cursor: null });
      sendJson(response, { message: 'bad cursor' }, 400);
    });
  }

  it('P6: an empty-string cursor ends the stream by default', async () => {
    api = await cursorServer();
    const dbPath = join(tempDir(), 'p6a.db');
    const summary = await runInProcess(
      restFlow(
        {
          request: { url: `${api.url}/r` },
          records: '$.results[*]',
          pagination: { type: 'cursor', cursor_path: '$.next_cursor', cursor_param: 'cursor' },
        },
        dbPath,
      ),
    );

    expect(summary.error).toBeNull();
    expect(api.requests).toHaveLength(1);
    expect(readRows(dbPath, 'items')).toHaveLength(2);
  });

  it('P6: an empty-string cursor is sent back when configured to continue', async () => {
    api = await cursorServer();
    const dbPath = join(tempDir(), 'p6b.db');
    const summary = await runInProcess(
      restFlow(
        {
          request: { url: `${api.url}/r` },
          records: '$.results[*]',
          pagination: {
            type: 'cursor',
            cursor_path: '$.next_cursor',
            cursor_param: 'cursor',
            empty_cursor: 'continue',
          },
        },
        dbPath,
      ),
    );

    expect(summary.error).toBeNull();
    expect(api.requests.map((r) => r.url.search)).toEqual(['', '?cursor=']);
    expect(readRows(dbPath, 'items')).toHaveLength(3);
  });
});

describe('bodies on the wire', () => {
  it('D1: an emoji split across two network chunks arrives whole', async () => {
    const text = 'Привет 你好 café 👩‍👩‍👧 ok';
    api = await startLocalApi((_request, response) => {
      const body = Buffer.from(JSON.stringify([{ id: 1, text }]));
      const split = body.indexOf(Buffer.from('👩')) + 2;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(body.subarray(0, split));
      setTimeout(() => response.end(body.subarray(split)), 30);
    });
    const dbPath = join(tempDir(), 'd1.db');

    await runInProcess(restFlow({ request: { url: `${api.url}/x` } }, dbPath));

    expect(readRows(dbPath, 'items')[0]?.['text']).toBe(text);
  });

  it('keeps an integer beyond 2^53 exact from the body to the table', async () => {
    api = await startLocalApi((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end('[{"id": 9007199254740993, "n": 1}]');
    });
    const dbPath = join(tempDir(), 'big.db');

    await runInProcess(
      restFlow({ request: { url: `${api.url}/x` }, primary_key: ['id'] }, dbPath, 'upsert'),
    );

    const db = (await import('better-sqlite3')).default(dbPath, { readonly: true });
    const row = db.prepare('SELECT id, n FROM items').safeIntegers().get() as {
      id: string;
      n: bigint;
    };
    db.close();
    // A key column holds the ID as exact text; other integers stay INTEGER.
    expect(row.id).toBe('9007199254740993');
    expect(row.n).toBe(1n);
  });
});

describe('chained steps', () => {
  it('runs the child once per parent record with fresh pagination and a state partition each (P2)', async () => {
    const pagesOf: Record<string, number> = { a: 2, b: 1, c: 3 };
    api = await startLocalApi((request, response) => {
      if (request.url.pathname === '/surveys')
        return sendJson(response, {
          results: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
          next_cursor: null,
        });
      const survey = request.url.pathname.split('/')[2] ?? '';
      const page = Number(request.url.searchParams.get('cursor') ?? '1');
      const last = page >= (pagesOf[survey] ?? 0);
      sendJson(response, {
        results: [{ id: `${survey}${page}`, at: stamp(page) }],
        next_cursor: last ? null : String(page + 1),
      });
    });
    const dbPath = join(tempDir(), 'chain.db');
    const flow = restFlow(
      {
        parent: { request: { url: `${api.url}/surveys` }, records: '$.results[*]' },
        request: { url: `${api.url}/surveys/{parent.id}/responses` },
        records: '$.results[*]',
        pagination: { type: 'cursor', cursor_path: '$.next_cursor', cursor_param: 'cursor' },
        partition: 'survey:{parent.id}',
        primary_key: ['id'],
        incremental: { cursor_field: 'at', order: 'desc' },
      },
      dbPath,
    );

    const summary = await runInProcess(flow);

    expect(summary.error).toBeNull();
    const children = api.requests.filter((r) => r.url.pathname !== '/surveys');
    expect(children).toHaveLength(6);
    expect(
      children.every((r) => !r.url.search.includes('undefined') && !r.url.search.includes('null')),
    ).toBe(true);
    expect(children.filter((r) => r.url.search === '').map((r) => r.url.pathname)).toEqual(
      ['/surveys/a/responses', '/surveys/b/responses', '/surveys/c/responses'].filter((p) =>
        children.some((c) => c.url.pathname === p),
      ),
    );
    expect(readRows(dbPath, 'items').map((r) => r['id'])).toEqual([
      'a1',
      'a2',
      'b1',
      'c1',
      'c2',
      'c3',
    ]);
    const db = (await import('better-sqlite3')).default(dbPath, { readonly: true });
    const partitions = db.prepare('SELECT partition FROM _hf_state ORDER BY partition').all() as {
      partition: string;
    }[];
    db.close();
    expect(partitions.map((p) => p.partition)).toEqual(['survey:a', 'survey:b', 'survey:c']);
  });

  it('sends the credential only to its own origin when a child step points elsewhere', async () => {
    const other = await startLocalApi((request, response) =>
      sendJson(response, [
        { id: request.url.pathname, auth: request.raw.headers.authorization ?? null },
      ]),
    );
    api = await startLocalApi((_request, response) =>
      sendJson(response, [
        { id: 1, href: `${other.url}/item/1` },
        { id: 2, href: `${other.url}/item/2` },
      ]),
    );
    const dbPath = join(tempDir(), 'origin.db');
    const flow = restFlow(
      {
        credential: { type: 'bearer', token: 'very-secret-token' },
        parent: { request: { url: `${api.url}/list` } },
        request: { url: '{parent.href}' },
      },
      dbPath,
    );

    const summary = await runInProcess(flow);
    await other.close();

    expect(summary.error).toBeNull();
    expect(api.requests).toHaveLength(1);
    const rows = readRows(dbPath, 'items');
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row['auth'] === null)).toBe(true);
  });
});

describe('formats end to end', () => {
  const people = [
    { id: '1', name: 'Zoë', city: 'Kraków' },
    { id: '2', name: 'Ahmed, "Al"', city: 'القاهرة' },
    { id: '3', name: '李雷', city: '北京 🏙️' },
  ];
  const bodies: Record<string, { type: string; body: Buffer; encoding?: string }> = {
    json: { type: 'application/json', body: Buffer.from(JSON.stringify({ data: people })) },
    ndjson: {
      type: 'application/x-ndjson',
      body: Buffer.from(people.map((p) => JSON.stringify(p)).join('\n') + '\n'),
    },
    csv: {
      type: 'text/csv',
      body: Buffer.from(
        'id,name,city\n' +
          people
            .map((p) => [p.id, `"${p.name.replace(/"/g, '""')}"`, p.city].join(','))
            .join('\n') +
          '\n',
      ),
    },
    tsv: {
      type: 'text/tab-separated-values',
      body: Buffer.from(
        'id\tname\tcity\n' + people.map((p) => [p.id, p.name, p.city].join('\t')).join('\n') + '\n',
      ),
    },
    xml: {
      type: 'application/xml',
      body: Buffer.from(
        `<?xml version="1.0"?><people>${people.map((p) => `<person id="${p.id}"><name>${p.name.replace(/"/g, '&quot;')}</name><city><![CDATA[${p.city}]]></city></person>`).join('')}</people>`,
      ),
    },
  };

  it.each([
    ['json', { records: '$.data[*]' }],
    ['ndjson', {}],
    ['csv', {}],
    ['tsv', {}],
    ['xml', { records: 'people.person', xml: { attribute_prefix: '' } }],
    ['json-gzip-without-header', { records: '$.data[*]' }],
    ['csv-gzip', {}],
  ] as const)('reads the same records from a %s endpoint', async (kind, extra) => {
    const { gzipSync } = await import('node:zlib');
    const [format, gzip] = [kind.split('-')[0] as keyof typeof bodies, kind.includes('gzip')];
    const served = bodies[format];
    api = await startLocalApi((_request, response) => {
      const headers: Record<string, string> = { 'content-type': served?.type ?? 'text/plain' };
      if (gzip && kind === 'csv-gzip') headers['content-encoding'] = 'gzip';
      response
        .writeHead(200, headers)
        .end(gzip ? gzipSync(served?.body ?? Buffer.alloc(0)) : served?.body);
    });
    const dbPath = join(tempDir(), `${kind}.db`);

    const summary = await runInProcess(
      restFlow({ request: { url: `${api.url}/people` }, format, ...extra }, dbPath),
    );

    expect(summary.error).toBeNull();
    const rows = readRows(dbPath, 'items').map((row) => ({
      id: String(row['id']),
      name: row['name'],
      city: row['city'],
    }));
    expect(rows).toEqual(people);
  });
});

describe('fields added to every record', () => {
  it('takes values from the envelope around the records and from macros', async () => {
    api = await startLocalApi((_request, response) =>
      sendJson(response, { meta: { site: 'S-9', total: 2 }, data: [{ id: 1 }, { id: 2 }] }),
    );
    const dbPath = join(tempDir(), 'envelope.db');

    const summary = await runInProcess(
      restFlow(
        {
          request: { url: `${api.url}/x` },
          records: '$.data[*]',
          add_fields: { site: '$.meta.site', total: '$.meta.total', loaded_on: '{today}' },
        },
        dbPath,
      ),
    );

    expect(summary.error).toBeNull();
    const rows = readRows(dbPath, 'items');
    expect(rows.map((r) => [r['id'], r['site'], r['total']])).toEqual([
      [1, 'S-9', 2],
      [2, 'S-9', 2],
    ]);
    expect(rows[0]?.['loaded_on']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
