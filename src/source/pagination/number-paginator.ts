import { queryFirst } from '../json-path.js';
import type { PageOutcome, PageRequest, PageView, Paginator } from './paginator.js';

export interface NumberOptions {
  /** `page`: the number counts pages; `offset`: it counts records. */
  kind: 'page' | 'offset';
  param: string;
  start: number;
  sizeParam?: string | undefined;
  size?: number | undefined;
  placeIn: 'query' | 'body';
  stop: 'empty' | 'short' | 'total' | 'has_more';
  totalPath?: string | undefined;
  /** A response header holding the total number of records (e.g. X-Total-Count). */
  totalHeader?: string | undefined;
  hasMorePath?: string | undefined;
}

/** Page-number and offset pagination with the stop rules of the flow-file contract. */
export class NumberPaginator implements Paginator {
  private position: number;
  private seen = 0;

  constructor(private readonly options: NumberOptions) {
    this.position = options.start;
  }

  first(): PageRequest {
    return this.requestFor(this.position);
  }

  next(page: PageView): PageOutcome {
    this.seen += page.recordCount;
    if (this.shouldStop(page)) return { kind: 'end' };

    this.position += this.options.kind === 'page' ? 1 : page.recordCount;
    return { kind: 'next', request: this.requestFor(this.position) };
  }

  private shouldStop(page: PageView): boolean {
    if (page.recordCount === 0) return true;

    switch (this.options.stop) {
      case 'empty':
        return false;
      case 'short':
        return this.options.size !== undefined && page.recordCount < this.options.size;
      case 'total': {
        const header = this.options.totalHeader?.toLowerCase();
        const raw =
          header === undefined
            ? queryFirst(page.body, this.options.totalPath ?? '$.total')
            : page.headers[header];
        const total = Number(raw);
        return !Number.isFinite(total) || this.seen >= total;
      }
      case 'has_more': {
        const more = queryFirst(page.body, this.options.hasMorePath ?? '$.has_more');
        return more !== true && more !== 'true';
      }
    }
  }

  private requestFor(position: number): PageRequest {
    const values: Record<string, string | number> = { [this.options.param]: position };
    if (this.options.sizeParam !== undefined && this.options.size !== undefined) {
      values[this.options.sizeParam] = this.options.size;
    }

    if (this.options.placeIn === 'body') return { body: values };
    return { query: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) };
  }
}
