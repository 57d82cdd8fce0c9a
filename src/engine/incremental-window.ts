import type { FlowRecord } from '../destinations/destination.js';
import { stringifyJsonExact } from '../json/exact-json.js';
import { compareKeys, minusWindow, orderKey, type OrderKey } from '../source/instant-order.js';
import { readPath, scalarText } from '../source/record-shaper.js';
import type { IncrementalPlan } from '../source/source-plan.js';
import { WrittenSpans, type WrittenSpan } from './written-spans.js';

/** A partition's committed state, as stored in the destination. */
export interface PartitionState {
  /** The bookmark: the newest value a completed pass saw. */
  cursor?: string | number;
  /** Newest-first only: what an unfinished pass has already written. */
  spans?: WrittenSpan[];
  /**
   * For destinations that cannot recognise a record by its key: the records of the re-read window
   * (from `cursor − lookback` up) that are already written, so reading them again writes nothing.
   */
  seen?: string[];
}

/** More re-read records than this are not remembered; the run warns instead. */
export const MAX_SEEN = 100_000;

export interface WindowOptions {
  primaryKey?: readonly string[];
  /** The destination cannot skip a record it already holds (files); remember the re-read window. */
  rememberWindow?: boolean;
}

/**
 * One pass of an incremental partition. Records at or after `bookmark − lookback` are taken
 * (`>=`: equal values at the bookmark are read again and de-duplicated). For a newest-first source
 * the pass ends at the first page that reaches that point; the new bookmark (the newest value
 * seen) is committed only when the pass ends there or at the last page, so an interrupted pass
 * loses nothing, and the spans it wrote are saved with each batch, so its rerun writes nothing
 * twice.
 */
export class IncrementalWindow {
  private readonly threshold: OrderKey | undefined;
  private readonly stored: string | number | undefined;
  private newest: { key: OrderKey; value: string | number } | undefined;
  private readonly spans: WrittenSpans | undefined;
  private readonly primaryKey: readonly string[];
  private readonly seen: Set<string> | undefined;
  /** Every record of this pass inside the next re-read window, by id and key. */
  private readonly windowIds: { id: string; key: OrderKey }[] = [];

  constructor(
    private readonly plan: IncrementalPlan,
    saved: unknown,
    options: WindowOptions = {},
  ) {
    const state = asState(saved);
    this.primaryKey = options.primaryKey ?? [];
    this.seen = options.rememberWindow === true ? new Set(state.seen ?? []) : undefined;
    const storedKey = state.cursor === undefined ? undefined : orderKey(state.cursor);
    this.stored = storedKey === undefined ? undefined : state.cursor;
    this.threshold = storedKey === undefined ? undefined : minusWindow(storedKey, plan.lookbackMs);
    if (storedKey !== undefined && state.cursor !== undefined)
      this.newest = { key: storedKey, value: state.cursor };
    // Spans are kept only where the destination cannot skip what it already holds: elsewhere a
    // newest-first pass leaves the state untouched until it completes.
    this.spans =
      plan.order === 'desc' && options.rememberWindow === true
        ? new WrittenSpans(state.spans ?? [])
        : undefined;
  }

  /** The request value carrying the bookmark, when the source declares such a parameter. */
  requestExtra(): { query?: Record<string, string>; body?: Record<string, string> } | undefined {
    if (this.plan.param === undefined || this.newest === undefined) return undefined;

    const value = String(this.thresholdValue());
    return this.plan.paramIn === 'body'
      ? { body: { [this.plan.param]: value } }
      : { query: { [this.plan.param]: value } };
  }

  /** Keeps the records inside the window that no earlier pass wrote; remembers the newest. */
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

      this.observe(key, value as string | number);
      const id = this.spans === undefined && this.seen === undefined ? '' : this.identify(record);
      if (this.seen !== undefined) this.remember(id, key);
      if (this.seen?.has(id) === true) continue;
      if (this.spans !== undefined) {
        if (this.spans.alreadyWritten(key, id)) continue;
        this.spans.wrote(key, value as string | number, id);
      }
      kept.push(record);
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

  /** The state to save with a batch in the middle of a pass. */
  progress(): PartitionState | undefined {
    if (this.plan.order === 'asc') return this.completed();
    if (this.spans === undefined) return undefined;

    const spans = this.spans?.toJSON() ?? [];
    const seen = this.seen === undefined ? {} : { seen: [...this.seen] };
    return { ...(this.stored === undefined ? {} : { cursor: this.stored }), spans, ...seen };
  }

  /** The state to save when the pass is complete: the newest value seen, never older than before. */
  completed(): PartitionState | undefined {
    if (this.newest === undefined) return undefined;
    if (this.seen === undefined) return { cursor: this.newest.value };

    const floor = minusWindow(this.newest.key, this.plan.lookbackMs);
    const inWindow = this.windowIds
      .filter((entry) => compareKeys(entry.key, floor) >= 0)
      .map((entry) => entry.id);
    return { cursor: this.newest.value, seen: [...new Set(inWindow)].slice(0, MAX_SEEN) };
  }

  /** True when the re-read window held more records than are remembered. */
  windowOverflowed(): boolean {
    return this.seen !== undefined && this.windowIds.length > MAX_SEEN;
  }

  /** Keeps only what can fall inside the next re-read window (measured from the newest seen). */
  private remember(id: string, key: OrderKey): void {
    const newest = this.newest;
    if (newest !== undefined && compareKeys(key, minusWindow(newest.key, this.plan.lookbackMs)) < 0)
      return;

    this.windowIds.push({ id, key });
    if (this.windowIds.length > 2 * MAX_SEEN && newest !== undefined) {
      const floor = minusWindow(newest.key, this.plan.lookbackMs);
      const kept = this.windowIds.filter((entry) => compareKeys(entry.key, floor) >= 0);
      this.windowIds.splice(0, this.windowIds.length, ...kept);
    }
  }

  /**
   * A raw record's identity. The window sees records before a template reshapes them, so the
   * output's primary key may not exist yet (an answer's key is made from its response): when none
   * of the key fields is present, the whole record is its identity. IDs compare as text.
   */
  private identify(record: FlowRecord): string {
    const values = this.primaryKey.map((field) => readPath(record, field));
    if (values.length === 0 || values.every((value) => value === undefined)) {
      return stringifyJsonExact(record);
    }
    return JSON.stringify(values.map((value) => (value === undefined ? null : scalarText(value))));
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

function asState(value: unknown): PartitionState {
  if (value === null || typeof value !== 'object') return {};

  const cursor = (value as Record<string, unknown>)['cursor'];
  const spans = (value as Record<string, unknown>)['spans'];
  const seen = (value as Record<string, unknown>)['seen'];
  return {
    ...(typeof cursor === 'string' || typeof cursor === 'number' ? { cursor } : {}),
    ...(Array.isArray(spans) ? { spans: spans as WrittenSpan[] } : {}),
    ...(Array.isArray(seen)
      ? { seen: seen.filter((id): id is string => typeof id === 'string') }
      : {}),
  };
}
