import { describe, expect, it } from 'vitest';

import { CursorPaginator } from './cursor-paginator.js';
import { findLink, LinkHeaderPaginator } from './link-header-paginator.js';
import { NextUrlPaginator } from './next-url-paginator.js';
import { NumberPaginator } from './number-paginator.js';
import type { PageView } from './paginator.js';

function page(body: unknown, recordCount: number, headers: Record<string, string> = {}): PageView {
  return { body, headers, recordCount, url: 'http://127.0.0.1:1/items?x=1' };
}

const cursorOptions = {
  cursor_path: '$.next_cursor',
  cursor_param: 'cursor',
  cursor_in: 'query' as const,
  empty_cursor: 'end' as const,
};

describe('CursorPaginator', () => {
  it('follows a cursor even after a short page, and ends on null', () => {
    const paginator = new CursorPaginator(cursorOptions);
    expect(paginator.next(page({ next_cursor: 'abc' }, 99))).toEqual({
      kind: 'next',
      request: { query: { cursor: 'abc' } },
    });
    expect(paginator.next(page({ next_cursor: null }, 50))).toEqual({ kind: 'end' });
    const missing = paginator.next(page({}, 50));
    expect(missing.kind).toBe('end');
    expect(missing.kind === 'end' ? missing.warning : '').toContain('$.next_cursor');
  });

  it('treats an empty cursor as the end by default, or continues when configured', () => {
    expect(new CursorPaginator(cursorOptions).next(page({ next_cursor: '' }, 5))).toEqual({
      kind: 'end',
    });
    const continuing = new CursorPaginator({ ...cursorOptions, empty_cursor: 'continue' });
    expect(continuing.next(page({ next_cursor: '' }, 5))).toEqual({
      kind: 'next',
      request: { query: { cursor: '' } },
    });
  });

  it('reports an empty page that still carries a cursor as stalled', () => {
    expect(new CursorPaginator(cursorOptions).next(page({ next_cursor: 'x' }, 0)).kind).toBe(
      'stalled',
    );
  });

  it('reads the cursor from a header and sends it in the body', () => {
    const paginator = new CursorPaginator({
      cursor_header: 'X-Next',
      cursor_param: 'after',
      cursor_in: 'body',
      empty_cursor: 'end',
    });
    expect(paginator.next(page({}, 3, { 'x-next': 'c2' }))).toEqual({
      kind: 'next',
      request: { body: { after: 'c2' } },
    });
  });
});

describe('NextUrlPaginator and LinkHeaderPaginator', () => {
  it('resolves a relative next URL against the page URL', () => {
    const next = new NextUrlPaginator('$.links.next').next(
      page({ links: { next: '/items?page=2' } }, 1),
    );
    expect(next).toEqual({ kind: 'next', request: { url: 'http://127.0.0.1:1/items?page=2' } });
  });

  it('finds the rel=next link among several', () => {
    const header =
      '<http://h/a?page=1>; rel="first", <http://h/a?page=3>; rel="next", <http://h/a?page=9>; rel="last"';
    expect(findLink(header, 'next')).toBe('http://h/a?page=3');
    expect(
      new LinkHeaderPaginator('next').next(
        page([], 1, { link: '<http://h/a?page=9>; rel="last"' }),
      ),
    ).toEqual({ kind: 'end' });
  });
});

describe('NumberPaginator', () => {
  const base = { kind: 'page' as const, param: 'page', start: 1, placeIn: 'query' as const };

  it('counts pages and stops on an empty page', () => {
    const paginator = new NumberPaginator({ ...base, stop: 'empty' });
    expect(paginator.first()).toEqual({ query: { page: '1' } });
    expect(paginator.next(page([], 10))).toEqual({
      kind: 'next',
      request: { query: { page: '2' } },
    });
    expect(paginator.next(page([], 0))).toEqual({ kind: 'end' });
  });

  it('stops on a short page, on a total and on has_more', () => {
    expect(
      new NumberPaginator({ ...base, stop: 'short', size: 10, sizeParam: 'per' }).next(page([], 9)),
    ).toEqual({ kind: 'end' });
    const total = new NumberPaginator({ ...base, stop: 'total', totalPath: '$.total' });
    expect(total.next(page({ total: 15 }, 10)).kind).toBe('next');
    expect(total.next(page({ total: 15 }, 5))).toEqual({ kind: 'end' });
    expect(
      new NumberPaginator({ ...base, stop: 'has_more', hasMorePath: '$.more' }).next(
        page({ more: false }, 10),
      ),
    ).toEqual({ kind: 'end' });
  });

  it('moves offsets by the records read and can place them in the body', () => {
    const paginator = new NumberPaginator({
      kind: 'offset',
      param: 'offset',
      start: 0,
      sizeParam: 'limit',
      size: 50,
      placeIn: 'body',
      stop: 'short',
    });
    expect(paginator.first()).toEqual({ body: { offset: 0, limit: 50 } });
    expect(paginator.next(page([], 50))).toEqual({
      kind: 'next',
      request: { body: { offset: 50, limit: 50 } },
    });
  });
});
