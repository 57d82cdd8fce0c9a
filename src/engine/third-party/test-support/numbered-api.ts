import { sendJson, startLocalApi, type LocalApi } from '../../test-support/local-api.js';

/** Where the page or offset parameters are read from. */
export type ParamPlace = 'query' | 'body';

/** A list of `count` records `{ id }` with ids 1..count. */
export function numberedRecords(count: number): { id: number }[] {
  return Array.from({ length: count }, (_, i) => ({ id: i + 1 }));
}

function paramsOf(request: { url: URL; body: string }, place: ParamPlace): Record<string, unknown> {
  if (place === 'query') return Object.fromEntries(request.url.searchParams);
  return request.body === '' ? {} : (JSON.parse(request.body) as Record<string, unknown>);
}

/**
 * An API over `count` records that pages by `page`/`per_page` or by `offset`/`limit` (query or JSON
 * body), answering `{ data, total, meta: { has_more } }` — every stop signal at once, so the
 * flow's stop rule alone decides where reading ends. Without a size it sends 5 records.
 */
export function startNumberedApi(count: number, place: ParamPlace = 'query'): Promise<LocalApi> {
  const records = numberedRecords(count);
  return startLocalApi((request, response) => {
    const params = paramsOf(request, place);
    const size = Number(params['per_page'] ?? params['limit'] ?? 5);
    const first =
      params['offset'] !== undefined
        ? Number(params['offset'])
        : (Number(params['page'] ?? 1) - 1) * size;
    const data = records.slice(first, first + size);
    sendJson(response, {
      data,
      total: count,
      meta: { has_more: first + data.length < count },
    });
  });
}
