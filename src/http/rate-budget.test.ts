import { describe, expect, it } from 'vitest';

import { RunCancelledError } from '../errors/errors.js';
import { ManualClock } from './manual-clock.js';
import { RateBudget, RateBudgetRegistry } from './rate-budget.js';

/** Starts `count` acquirers at once and records when each one got its slot. */
function startAcquirers(budget: RateBudget, clock: ManualClock, count: number): number[] {
  const grants: number[] = [];
  for (let i = 0; i < count; i++) void budget.acquire().then(() => grants.push(clock.now()));
  return grants;
}

/** The most sends seen in any window of `windowMs` (a window starting at each send suffices). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i] ?? 0;
    const inWindow = sorted.filter((t) => t >= start && t < start + windowMs).length;
    best = Math.max(best, inWindow);
  }
  return best;
}

describe('RateBudget', () => {
  it('never lets more than N requests into any 60-second window, with many concurrent acquirers', async () => {
    const clock = new ManualClock(1_000_000);
    const budget = new RateBudget({ requestsPerMinute: 20, clock });
    const grants = startAcquirers(budget, clock, 130);

    for (let t = 0; t < 8 * 60 && grants.length < 130; t++) await clock.advance(1000);

    expect(grants).toHaveLength(130);
    expect(maxInAnyWindow(grants, 60_000)).toBeLessThanOrEqual(20);
  });

  it('uses at least 90 % of the budget when callers are always waiting', async () => {
    const clock = new ManualClock(0);
    const budget = new RateBudget({ requestsPerMinute: 60, clock });
    const grants = startAcquirers(budget, clock, 1000);

    await clock.advance(10 * 60_000);

    // Ten minutes at 60/min is 600; the sliding log with its 1 s margin should reach ≥ 540.
    expect(grants.length).toBeGreaterThanOrEqual(540);
    expect(grants.length).toBeLessThanOrEqual(600);
    expect(maxInAnyWindow(grants, 60_000)).toBeLessThanOrEqual(60);
  });

  it('spreads a fresh budget over the first second instead of firing everything at once', async () => {
    const clock = new ManualClock(0);
    const budget = new RateBudget({ requestsPerMinute: 3000, clock });
    const grants = startAcquirers(budget, clock, 300);

    await clock.advance(0);
    expect(grants).toHaveLength(100);

    await clock.advance(2000);
    expect(grants).toHaveLength(300);
    expect(maxInAnyWindow(grants, 1000)).toBeLessThanOrEqual(100);
  });

  it('makes every waiter wait out a penalty after a 429', async () => {
    const clock = new ManualClock(0);
    const budget = new RateBudget({ requestsPerMinute: 600, clock });
    budget.penalize(7000);
    const grants = startAcquirers(budget, clock, 3);

    await clock.advance(6999);
    expect(grants).toHaveLength(0);

    await clock.advance(1);
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((t) => t >= 7000)).toBe(true);
  });

  it('keeps the longer penalty when two 429s overlap', async () => {
    const clock = new ManualClock(0);
    const budget = new RateBudget({ requestsPerMinute: 600, clock });
    budget.penalize(5000);
    budget.penalize(1000);
    const grants = startAcquirers(budget, clock, 1);

    await clock.advance(4999);
    expect(grants).toHaveLength(0);
    await clock.advance(1);
    expect(grants).toEqual([5000]);
  });

  it('rejects a waiter whose signal aborts, and serves the next one', async () => {
    const clock = new ManualClock(0);
    const budget = new RateBudget({ requestsPerMinute: 1, maxPerSecond: 1, clock });
    await budget.acquire();

    const controller = new AbortController();
    const cancelled = budget.acquire(controller.signal);
    const next = budget.acquire();
    controller.abort();

    await expect(cancelled).rejects.toBeInstanceOf(RunCancelledError);
    await clock.advance(61_000);
    await expect(next).resolves.toBeUndefined();
  });

  it('rejects at once when the signal is already aborted', async () => {
    const budget = new RateBudget({ requestsPerMinute: 10, clock: new ManualClock() });
    await expect(budget.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(RunCancelledError);
  });
});

describe('RateBudgetRegistry', () => {
  it('shares one budget per origin and none when the budget is off', () => {
    const registry = new RateBudgetRegistry({ clock: new ManualClock() });
    const a = registry.forOrigin('http://127.0.0.1:4010/v1/a', 3000);
    const b = registry.forOrigin('http://127.0.0.1:4010/v1/b?x=1', 3000);
    const other = registry.forOrigin('http://127.0.0.1:4011/v1/a', 3000);

    expect(a).toBe(b);
    expect(other).not.toBe(a);
    expect(registry.forOrigin('http://127.0.0.1:4010/', null)).toBeNull();
  });

  it('lets the strictest limit win for a shared origin', () => {
    const registry = new RateBudgetRegistry({ clock: new ManualClock() });
    const budget = registry.forOrigin('https://api.hotjar.io', 3000);
    registry.forOrigin('https://api.hotjar.io', 1200);
    registry.forOrigin('https://api.hotjar.io', 2000);
    expect(budget?.requestsPerMinute).toBe(1200);
  });
});
