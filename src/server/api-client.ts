import { HotjarFlowError } from '../errors/hotjar-flow-error.js';

/** An error answer of the service, with its status. */
export class ApiCallError extends HotjarFlowError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    details: Record<string, unknown>,
  ) {
    super(code, message, { details: { status, ...details } });
  }
}

/** A small client of the service's HTTP API, for the CLI: `--url` and a bearer token. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== undefined && this.token !== '')
      headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (response.ok) return parsed as T;

    const error = (
      parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
    )?.error;
    throw new ApiCallError(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? `HTTP ${response.status}`,
      error?.details ?? {},
    );
  }

  /** Every item of a list, following `next_cursor`. */
  async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const query: string =
        cursor === null ? '?limit=500' : `?limit=500&cursor=${encodeURIComponent(cursor)}`;
      const page: { items: T[]; next_cursor: string | null } = await this.request(
        'GET',
        `${path}${query}`,
      );
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return items;
  }

  /** The id of the item of `path` whose id or name is `reference`. */
  async idOf(path: string, reference: string): Promise<string> {
    const items = await this.listAll<{ id: string; name: string }>(path);
    const found = items.find((item) => item.id === reference || item.name === reference);
    if (found === undefined)
      throw new ApiCallError(
        404,
        'NOT_FOUND',
        `no ${path.split('/').pop() ?? 'item'} ${JSON.stringify(reference)}`,
        {},
      );
    return found.id;
  }
}
