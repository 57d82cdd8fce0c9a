/**
 * The responses of one survey, never materialised: a base of `baseCount` generated records
 * (sequence numbers 1…baseCount, the highest the newest) plus small overlays for responses added
 * later and for users whose responses were deleted. Records are ordered newest first by
 * (created time, sequence), which is also the keyset a cursor stores.
 */

/** The identity and order key of one response. */
export interface ResponseEntry {
  seq: number;
  createdMs: number;
}

/** A keyset position: the (created time, sequence) of the last record a page returned. */
export type ResponsePosition = readonly [createdMs: number, seq: number];

export interface ResponseStoreOptions {
  baseCount: number;
  /** Creation time of the base record at `index` (0 = newest); must not increase with index. */
  baseCreatedMs: (index: number) => number;
  /** The site user who gave response `seq`, or null when anonymous. */
  userOf: (seq: number) => number | null;
}

export interface ResponsePage {
  entries: ResponseEntry[];
  /** True when at least one live record follows the last entry. */
  more: boolean;
}

function isAfter(entry: ResponseEntry, position: ResponsePosition): boolean {
  const [createdMs, seq] = position;
  return entry.createdMs < createdMs || (entry.createdMs === createdMs && entry.seq < seq);
}

export class ResponseStore {
  private readonly added: ResponseEntry[] = [];
  /** user index → highest sequence deleted for that user. */
  private readonly deletedUsers = new Map<number, number>();
  private deletedCount = 0;
  private mutations = 0;

  constructor(private readonly options: ResponseStoreOptions) {}

  get maxSeq(): number {
    return this.options.baseCount + this.added.length;
  }

  /** How many responses exist now (base + added − deleted). */
  get size(): number {
    return this.maxSeq - this.deletedCount;
  }

  get newestCreatedMs(): number | null {
    const last = this.added.at(-1);
    if (last !== undefined) {
      return last.createdMs;
    }

    return this.options.baseCount > 0 ? this.options.baseCreatedMs(0) : null;
  }

  /** Adds a response created at `createdMs` (moved forward if needed to stay the newest). */
  /** Changes whenever a response is added or deleted, so cached pages of the old state go stale. */
  get version(): number {
    return this.mutations;
  }

  add(createdMs: number): ResponseEntry {
    this.mutations += 1;
    const newest = this.newestCreatedMs;
    const entry = {
      seq: this.maxSeq + 1,
      createdMs: newest === null ? createdMs : Math.max(createdMs, newest + 1),
    };
    this.added.push(entry);
    return entry;
  }

  createdMsOf(seq: number): number {
    const base = this.options.baseCount;
    if (seq <= base) {
      return this.options.baseCreatedMs(base - seq);
    }

    const entry = this.added[seq - base - 1];
    if (entry === undefined) {
      throw new RangeError(`no response with sequence ${seq}`);
    }

    return entry.createdMs;
  }

  /** The site user who gave response `seq`, or null when anonymous. */
  userOf(seq: number): number | null {
    return this.options.userOf(seq);
  }

  isDeleted(seq: number): boolean {
    if (this.deletedUsers.size === 0) {
      return false;
    }

    const user = this.options.userOf(seq);
    const bound = user === null ? undefined : this.deletedUsers.get(user);
    return bound !== undefined && seq <= bound;
  }

  /** Deletes every response of `user` that exists now; returns how many were removed. */
  deleteUser(user: number): number {
    this.mutations += 1;
    const previous = this.deletedUsers.get(user) ?? 0;
    let removed = 0;
    for (let seq = previous + 1; seq <= this.maxSeq; seq += 1) {
      if (this.options.userOf(seq) === user) {
        removed += 1;
      }
    }

    this.deletedUsers.set(user, this.maxSeq);
    this.deletedCount += removed;
    return removed;
  }

  /** Up to `count` live records after `position` (from the newest when null). */
  pageAfter(position: ResponsePosition | null, count: number): ResponsePage {
    const entries: ResponseEntry[] = [];
    for (let k = this.added.length - 1; k >= 0 && entries.length <= count; k -= 1) {
      const entry = this.added[k];
      if (entry !== undefined && this.isLive(entry, position)) {
        entries.push(entry);
      }
    }

    const base = this.options.baseCount;
    let index = position === null ? 0 : this.firstBaseIndexAfter(position);
    for (; index < base && entries.length <= count; index += 1) {
      const entry = { seq: base - index, createdMs: this.options.baseCreatedMs(index) };
      if (!this.isDeleted(entry.seq)) {
        entries.push(entry);
      }
    }

    const more = entries.length > count;
    if (more) {
      entries.pop();
    }

    return { entries, more };
  }

  private isLive(entry: ResponseEntry, position: ResponsePosition | null): boolean {
    return (position === null || isAfter(entry, position)) && !this.isDeleted(entry.seq);
  }

  /** Binary search: base keys strictly decrease with the index. */
  private firstBaseIndexAfter(position: ResponsePosition): number {
    const base = this.options.baseCount;
    let low = 0;
    let high = base;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const entry = { seq: base - mid, createdMs: this.options.baseCreatedMs(mid) };
      if (isAfter(entry, position)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }

    return low;
  }
}
