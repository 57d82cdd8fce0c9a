import { InvalidCursorError } from '../errors/errors.js';
import type { Page, PageRequest } from './store-records.js';

/** Items per page when the caller does not say. */
export const DEFAULT_PAGE_LIMIT = 50;
/** The most items one page may hold. */
export const MAX_PAGE_LIMIT = 500;

/** The page size asked for, clamped to 1 … 500 (default 50). */
export function pageLimit(request: PageRequest | undefined): number {
  const limit = request?.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(limit)));
}

/**
 * An opaque cursor: the sort key of the last item of a page, tagged with the list it belongs to
 * so a cursor of one list is refused by another.
 */
export function encodeCursor(list: string, key: string | number): string {
  return Buffer.from(JSON.stringify([list, key]), 'utf8').toString('base64url');
}

/** The sort key inside a cursor of `list`; undefined when there is no cursor (the first page). */
export function decodeCursor(
  list: string,
  cursor: string | null | undefined,
): string | number | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError('the cursor is not one this service produced', { cause: error });
  }

  if (!Array.isArray(decoded) || decoded[0] !== list) {
    throw new InvalidCursorError(`the cursor does not belong to the ${list} list`);
  }

  const key: unknown = decoded[1];
  if (typeof key !== 'string' && typeof key !== 'number') {
    throw new InvalidCursorError('the cursor is not one this service produced');
  }

  return key;
}

/** Builds a page from `limit + 1` fetched items: the extra one only says another page exists. */
export function toPage<T>(
  list: string,
  fetched: T[],
  limit: number,
  keyOf: (item: T) => string | number,
): Page<T> {
  const items = fetched.slice(0, limit);
  const last = items[items.length - 1];
  const more = fetched.length > limit && last !== undefined;
  return { items, next_cursor: more ? encodeCursor(list, keyOf(last)) : null };
}
