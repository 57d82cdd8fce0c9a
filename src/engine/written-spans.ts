import { compareKeys, orderKey, type OrderKey } from '../source/instant-order.js';

/**
 * The stretch of a newest-first stream that an interrupted pass already wrote: every record from
 * `top` down to `floor`, and at `top` and `floor` themselves only the ones listed (a page can end
 * between two records with the same instant, and a record can arrive with the instant of the top).
 */
export interface WrittenSpan {
  top: string | number;
  top_ids: string[];
  floor: string | number;
  floor_ids: string[];
}

interface LiveSpan {
  top: string | number;
  topKey: OrderKey;
  topIds: Set<string>;
  floor: string | number;
  floorKey: OrderKey;
  floorIds: Set<string>;
}

/**
 * What an unfinished newest-first pass has written, so that a rerun writes nothing twice even
 * where the destination cannot recognise a record by its key (files, webhooks). A pass writes from
 * the top of the stream down; a rerun starts at a new top, writes what arrived since, skips the
 * stretches already written, and goes on below them. Spans are saved with every batch and
 * dropped when the pass completes.
 */
export class WrittenSpans {
  private current: LiveSpan | undefined;
  private readonly earlier: LiveSpan[];
  /** The earlier span the pass is inside now; joined to the current one once the pass leaves it. */
  private inside: LiveSpan | undefined;

  constructor(saved: readonly WrittenSpan[]) {
    this.earlier = saved.flatMap((span) => {
      const topKey = orderKey(span.top);
      const floorKey = orderKey(span.floor);
      if (topKey === undefined || floorKey === undefined) return [];
      const topIds = new Set(span.top_ids);
      return [
        {
          top: span.top,
          topKey,
          topIds,
          floor: span.floor,
          floorKey,
          floorIds: new Set(span.floor_ids),
        },
      ];
    });
  }

  /** True when an earlier pass wrote this record. */
  alreadyWritten(key: OrderKey, id: string): boolean {
    // The current span holds the records of the tie at its floor that an earlier span it joined wrote.
    if (this.current !== undefined && contains(this.current, key, id)) return true;

    const span = this.earlier.find((candidate) => contains(candidate, key, id));
    if (span === undefined) return false;

    this.inside = span;
    return true;
  }

  /** Records a written record; records arrive newest first. */
  wrote(key: OrderKey, value: string | number, id: string): void {
    const inside = this.inside;
    if (inside !== undefined && compareKeys(key, inside.floorKey) > 0) {
      // Still within the earlier span: a record that arrived with the instant of its top.
      inside.topIds.add(id);
      return;
    }
    if (inside !== undefined) this.leaveEarlierSpan(inside);

    const span = this.current;
    if (span === undefined) {
      this.current = {
        top: value,
        topKey: key,
        topIds: new Set([id]),
        floor: value,
        floorKey: key,
        floorIds: new Set([id]),
      };
      return;
    }

    if (compareKeys(key, span.topKey) === 0) span.topIds.add(id);
    if (compareKeys(key, span.floorKey) === 0) {
      span.floorIds.add(id);
      return;
    }
    Object.assign(span, { floor: value, floorKey: key, floorIds: new Set([id]) });
  }

  /** Below an earlier span now: the current span reaches down to its floor, as one stretch. */
  private leaveEarlierSpan(earlier: LiveSpan): void {
    this.earlier.splice(this.earlier.indexOf(earlier), 1);
    this.current = joined(this.current, earlier);
    this.inside = undefined;
  }

  /** The spans to save with a batch. */
  toJSON(): WrittenSpan[] {
    const spans = this.current === undefined ? this.earlier : [this.current, ...this.earlier];
    return spans.map((span) => ({
      top: span.top,
      top_ids: [...span.topIds],
      floor: span.floor,
      floor_ids: [...span.floorIds],
    }));
  }
}

function contains(span: LiveSpan, key: OrderKey, id: string): boolean {
  const fromTop = compareKeys(key, span.topKey);
  if (fromTop > 0) return false;
  if (fromTop === 0) return span.topIds.has(id);

  const fromFloor = compareKeys(key, span.floorKey);
  return fromFloor > 0 || (fromFloor === 0 && span.floorIds.has(id));
}

/**
 * The current span grown down to the end of an earlier one it reached. When both start at the
 * same instant, the records written at that instant are the union of both.
 */
function joined(current: LiveSpan | undefined, earlier: LiveSpan): LiveSpan {
  if (current === undefined) return earlier;

  const sameTop = compareKeys(current.topKey, earlier.topKey) === 0;
  const topIds = sameTop ? new Set([...current.topIds, ...earlier.topIds]) : current.topIds;
  const sameFloor = compareKeys(current.floorKey, earlier.floorKey) === 0;
  const floorIds = sameFloor
    ? new Set([...current.floorIds, ...earlier.floorIds])
    : earlier.floorIds;
  return { ...current, topIds, floor: earlier.floor, floorKey: earlier.floorKey, floorIds };
}
