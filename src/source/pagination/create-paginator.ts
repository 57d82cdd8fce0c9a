import type { PaginationConfig } from '../schema/rest-source-schema.js';
import { CursorPaginator } from './cursor-paginator.js';
import { LinkHeaderPaginator } from './link-header-paginator.js';
import { NextUrlPaginator } from './next-url-paginator.js';
import { NumberPaginator } from './number-paginator.js';
import type { PageOutcome, PageRequest, Paginator } from './paginator.js';

/** A fresh paginator for one pass over one partition. */
export function createPaginator(config: PaginationConfig): Paginator {
  switch (config.type) {
    case 'none':
      return { first: (): PageRequest => ({}), next: (): PageOutcome => ({ kind: 'end' }) };
    case 'cursor':
      return new CursorPaginator(config);
    case 'next_url':
      return new NextUrlPaginator(config.next_url_path);
    case 'link_header':
      return new LinkHeaderPaginator(config.rel);
    case 'page':
      return new NumberPaginator({
        kind: 'page',
        param: config.page_param,
        start: config.start,
        sizeParam: config.size_param,
        size: config.size,
        placeIn: config.page_in,
        stop: config.stop,
        totalPath: config.total_path,
        totalHeader: config.total_header,
        hasMorePath: config.has_more_path,
      });
    case 'offset':
      return new NumberPaginator({
        kind: 'offset',
        param: config.offset_param,
        start: config.start,
        sizeParam: config.limit_param,
        size: config.limit,
        placeIn: config.offset_in,
        stop: config.stop,
        totalPath: config.total_path,
        totalHeader: config.total_header,
        hasMorePath: config.has_more_path,
      });
  }
}
