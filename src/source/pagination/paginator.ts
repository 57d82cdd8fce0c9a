/** What a paginator sees of a fetched page. */
export interface PageView {
  body: unknown;
  headers: Readonly<Record<string, string>>;
  recordCount: number;
  url: string;
}

/** How the next request differs from the declared one. */
export interface PageRequest {
  /** Follow this absolute URL as given (next_url, link_header). */
  url?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Record<string, string | number>;
}

/** Why a stream ended: the last page, or a rule that stopped it. */
export type PageOutcome =
  | { kind: 'next'; request: PageRequest }
  | { kind: 'end'; warning?: string }
  | { kind: 'stalled'; reason: string };

/** One pagination kind: the first request, then each next one from the page just read. */
export interface Paginator {
  first(): PageRequest;
  next(page: PageView): PageOutcome;
}
