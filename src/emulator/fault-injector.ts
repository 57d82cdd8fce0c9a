import type { FaultSpec } from './fault-spec.js';
import { SeededRandom, hashInts } from './seeded-random.js';

/** What the faults that fire on one request ask for, merged. */
export interface FiredFaults {
  status?: number;
  reset: boolean;
  slowMs: number;
  truncate: boolean;
  html: boolean;
  sameCursor: boolean;
  emptyForever: boolean;
  insert: number;
  short: number;
  retryAfter?: string;
}

export interface FaultState {
  spec: FaultSpec;
  matched: number;
  fired: number;
}

interface Entry extends FaultState {
  random: SeededRandom;
}

function shouldFire(entry: Entry): boolean {
  const { spec, matched, fired } = entry;
  if (spec.times !== undefined && fired >= spec.times) {
    return false;
  }

  if (spec.at !== undefined && matched !== spec.at) {
    return false;
  }

  if (spec.every !== undefined && matched % spec.every !== 0) {
    return false;
  }

  return spec.rate === undefined || entry.random.next() < spec.rate;
}

function merge(into: FiredFaults, spec: FaultSpec): FiredFaults {
  const status = spec.status ?? into.status;
  const retryAfter = spec.retryAfter ?? into.retryAfter;
  return {
    reset: into.reset || spec.reset === true,
    slowMs: into.slowMs + (spec.slow ?? 0),
    truncate: into.truncate || spec.truncate === true,
    html: into.html || spec.html === true,
    sameCursor: into.sameCursor || spec.sameCursor === true,
    emptyForever: into.emptyForever || spec.emptyForever === true,
    insert: into.insert + (spec.insert ?? 0),
    short: Math.max(into.short, spec.short ?? 0),
    ...(status === undefined ? {} : { status }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}

/**
 * The active faults and their counters. A fault without `path` matches the data endpoints only;
 * the token endpoint is reached only by a fault whose `path` matches it.
 */
export class FaultInjector {
  private entries: Entry[] = [];
  private added = 0;

  constructor(private readonly seed: number) {}

  add(spec: FaultSpec): void {
    const random = new SeededRandom(hashInts(this.seed, 60, this.added++));
    this.entries.push({ spec, matched: 0, fired: 0, random });
  }

  clear(): void {
    this.entries = [];
  }

  list(): FaultState[] {
    return this.entries.map(({ spec, matched, fired }) => ({ spec, matched, fired }));
  }

  /** Counts the request against every matching fault; null when none fires. */
  evaluate(target: string, isTokenEndpoint: boolean): FiredFaults | null {
    let fired: FiredFaults | null = null;
    for (const entry of this.entries) {
      const { path } = entry.spec;
      const matches = path === undefined ? !isTokenEndpoint : target.includes(path);
      if (!matches) {
        continue;
      }

      entry.matched += 1;
      if (shouldFire(entry)) {
        entry.fired += 1;
        fired = merge(fired ?? NOTHING, entry.spec);
      }
    }

    return fired;
  }
}

const NOTHING: FiredFaults = {
  reset: false,
  slowMs: 0,
  truncate: false,
  html: false,
  sameCursor: false,
  emptyForever: false,
  insert: 0,
  short: 0,
};
