import { queryFirst } from '../json-path.js';
import { scalarText } from '../record-shaper.js';
import type { PageOutcome, PageRequest, PageView, Paginator } from './paginator.js';

export interface CursorOptions {
  cursor_path?: string | undefined;
  cursor_header?: string | undefined;
  cursor_param: string;
  cursor_in: 'query' | 'header' | 'body';
  empty_cursor: 'end' | 'continue';
}

/**
 * Cursor pagination: the cursor comes from the body (or a header) and goes back as a parameter.
 * A null or absent cursor ends the stream; an empty string ends it unless `empty_cursor:
 * continue`. An empty page that still carries a cursor is not progress.
 */
export class CursorPaginator implements Paginator {
  constructor(private readonly options: CursorOptions) {}

  first(): PageRequest {
    return {};
  }

  next(page: PageView): PageOutcome {
    const cursor = this.readCursor(page);
    if (cursor === undefined && page.recordCount > 0) {
      const where = this.options.cursor_header ?? this.options.cursor_path ?? '$.next_cursor';
      const warning = `the cursor (${where}) is absent from a page that had records; the stream ends there — is the path right?`;
      return { kind: 'end', warning };
    }
    if (cursor === undefined || cursor === null) return { kind: 'end' };
    if (cursor === '' && this.options.empty_cursor === 'end') return { kind: 'end' };

    if (page.recordCount === 0) {
      return { kind: 'stalled', reason: 'an empty page still carries a cursor' };
    }
    return { kind: 'next', request: this.requestFor(cursor) };
  }

  private readCursor(page: PageView): string | null | undefined {
    if (this.options.cursor_header !== undefined) {
      return page.headers[this.options.cursor_header.toLowerCase()];
    }

    const value = queryFirst(page.body, this.options.cursor_path ?? '$.next_cursor');
    if (value === undefined || value === null) return value;
    return scalarText(value);
  }

  private requestFor(cursor: string): PageRequest {
    const name = this.options.cursor_param;
    if (this.options.cursor_in === 'header') return { headers: { [name]: cursor } };
    if (this.options.cursor_in === 'body') return { body: { [name]: cursor } };
    return { query: { [name]: cursor } };
  }
}
