/** A small real HTTP client for emulator tests (global fetch; nothing is mocked). */

export interface JsonAnswer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export interface Page {
  results: Record<string, unknown>[];
  next_cursor: string | null;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function call<T = unknown>(
  url: string,
  init: RequestInit = {},
): Promise<JsonAnswer<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parse(text) as T };
}

export function tokenRequest(
  origin: string,
  fields: Record<string, string>,
): Promise<JsonAnswer<Record<string, unknown>>> {
  return call(`${origin}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

export async function fetchToken(
  origin: string,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const answer = await tokenRequest(origin, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  if (answer.status !== 200) {
    throw new Error(`token request failed with ${answer.status}: ${answer.text}`);
  }

  return String(answer.json['access_token']);
}

export function apiGet<T = unknown>(url: string, token: string): Promise<JsonAnswer<T>> {
  return call<T>(url, { headers: { authorization: `Bearer ${token}` } });
}

export function control<T = unknown>(
  origin: string,
  path: string,
  body?: unknown,
): Promise<JsonAnswer<T>> {
  return call<T>(`${origin}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

/** Follows `next_cursor` to the end; returns every page as received. */
export async function allPages(url: string, token: string, limit = 100): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const answer = await apiGet<Page>(`${url}?limit=${limit}${query}`, token);
    if (answer.status !== 200) {
      throw new Error(`page request failed with ${answer.status}: ${answer.text}`);
    }

    pages.push(answer.json);
    cursor = answer.json.next_cursor;
  } while (cursor !== null && pages.length < 10_000);

  return pages;
}
