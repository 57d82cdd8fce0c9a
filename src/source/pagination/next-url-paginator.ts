import { queryFirst } from '../json-path.js';
import type { PageOutcome, PageRequest, PageView, Paginator } from './paginator.js';

/** The body names the next page's URL (relative URLs resolve against the page's URL). */
export class NextUrlPaginator implements Paginator {
  constructor(private readonly nextUrlPath: string) {}

  first(): PageRequest {
    return {};
  }

  next(page: PageView): PageOutcome {
    const next = queryFirst(page.body, this.nextUrlPath);
    if (typeof next !== 'string' || next === '') return { kind: 'end' };

    return { kind: 'next', request: { url: new URL(next, page.url).toString() } };
  }
}
