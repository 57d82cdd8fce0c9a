import type { FlowRecord } from '../destinations/destination.js';
import { compareKeys, minusWindow, orderKey, type OrderKey } from '../source/instant-order.js';
import { readPath } from '../source/record-shaper.js';
import type { IncrementalPlan } from '../source/source-plan.js';

/** A partition's committed bookmark, as stored in the destination's state. */
export interface Bookmark {
  cursor: string | number;
}

/**
 * One pass of an incremental partition. Records at or after `bookmark − lookback` are taken
 * (`>=`: equal values at the bookmark are read again and de-duplicated by primary key). For a
 * newest-first source the pass ends at the first page that reaches that point, and the new
 * bookmark (the newest value seen) is committed only when the pass ends there or at the last page,
 * so an interrupted pass loses nothing.
 */
export class IncrementalWindow {
  private readonly threshold: OrderKey | undefined;
  private newest: { key: OrderKey; value: string | number } | undefined;

  constructor(
    private readonly plan: IncrementalPlan,
    bookmark: unknown,
  ) {
    const stored = isBookmark(bookmark) ? orderKey(bookmark.cursor) : undefined;
    this.threshold = stored === undefined ? undefined : minusWindow(stored, plan.lookbackMs);
    if (isBookmark(bookmark) && stored !== undefined)
      this.newest = { key: stored, value: bookmark.cursor };
  }

  /** The request value carrying the bookmark, when the source declares such a parameter. */
  requestExtra(): { query?: Record<string, string>; body?: Record<string, string> } | undefined {
    if (this.plan.param === undefined || this.newest === undefined) return undefined;

    const value = String(this.thresholdValue());
    return this.plan.paramIn === 'body'
      ? { body: { [this.plan.param]: value } }
      : { query: { [this.plan.param]: value } };
  }

  /** Keeps the records inside the window and remembers the newest value seen. */
  filter(records: readonly FlowRecord[]): FlowRecord[] {
    const kept: FlowRecord[] = [];
    for (const record of records) {
      const value = readPath(record, this.plan.cursorField);
      const key = orderKey(value);
      if (key === undefined) {
        kept.push(record);
        continue;
      }

      if (this.threshold !== undefined && compareKeys(key, this.threshold) < 0) continue;
      kept.push(record);
      this.observe(key, value as string | number);
    }
    return kept;
  }

  /** Newest-first only: this page went past the window, so no later page can hold new records. */
  reached(records: readonly FlowRecord[]): boolean {
    if (this.plan.order !== 'desc' || this.threshold === undefined) return false;

    const threshold = this.threshold;
    return records.some((record) => {
      const key = orderKey(readPath(record, this.plan.cursorField));
      return key !== undefined && compareKeys(key, threshold) < 0;
    });
  }

  /** The bookmark to commit: the newest value seen, never older than the stored one. */
  bookmark(): Bookmark | undefined {
    return this.newest === undefined ? undefined : { cursor: this.newest.value };
  }

  private observe(key: OrderKey, value: string | number): void {
    if (this.newest === undefined || compareKeys(key, this.newest.key) > 0)
      this.newest = { key, value };
  }

  private thresholdValue(): string | number {
    const newest = this.newest;
    if (newest === undefined) return '';
    if (this.plan.lookbackMs === 0 || typeof newest.key === 'string') return newest.value;
    if (typeof newest.value === 'number') return newest.value - this.plan.lookbackMs / 1000;
    return new Date(newest.key[0] - this.plan.lookbackMs).toISOString();
  }
}

function isBookmark(value: unknown): value is Bookmark {
  if (value === null || typeof value !== 'object') return false;
  const cursor = (value as Record<string, unknown>)['cursor'];
  return typeof cursor === 'string' || typeof cursor === 'number';
}
