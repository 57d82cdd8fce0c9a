import { describe, expect, it } from 'vitest';

import { decideRetry, headerWait, parseRetryAfter, type RetryInput } from './retry-policy.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

function input(overrides: Partial<RetryInput>): RetryInput {
  return {
    attempt: 1,
    elapsedMs: 0,
    outcome: { kind: 'status', status: 503, headers: {} },
    random: () => 0.5,
    nowMs: NOW,
    ...overrides,
  };
}

const status = (code: number, headers: Record<string, string> = {}): RetryInput['outcome'] => ({
  kind: 'status',
  status: code,
  headers,
});

describe('decideRetry', () => {
  it.each([429, 500, 502, 503, 504])('retries status %i', (code) => {
    expect(decideRetry(input({ outcome: status(code) })).retry).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422, 501])('does not retry status %i', (code) => {
    const decision = decideRetry(input({ outcome: status(code) }));
    expect(decision).toEqual({
      retry: false,
      reason: `status ${code} is not retryable`,
      waitMs: 0,
    });
  });

  it.each(['reset', 'timeout', 'truncated', 'refused'] as const)('retries a %s', (failure) => {
    const decision = decideRetry(input({ outcome: { kind: 'network', failure } }));
    expect(decision.retry).toBe(true);
    expect(decision.reason).toContain(failure);
  });

  it('does not retry an unknown network failure', () => {
    expect(decideRetry(input({ outcome: { kind: 'network', failure: 'other' } })).retry).toBe(
      false,
    );
  });

  it('backs off exponentially with equal jitter from the base delay', () => {
    const low = (attempt: number): number =>
      decideRetry(input({ attempt, random: () => 0 })).waitMs;
    const high = (attempt: number): number =>
      decideRetry(input({ attempt, random: () => 0.999999 })).waitMs;

    expect([low(1), low(2), low(3), low(4)]).toEqual([250, 500, 1000, 2000]);
    expect([high(1), high(2), high(3)]).toEqual([500, 1000, 2000]);
  });

  it('caps the backoff at maxDelayMs', () => {
    const options = { maxAttempts: 50, maxDelayMs: 4000 };
    const decision = decideRetry(input({ attempt: 20, options, random: () => 0.999999 }));
    expect(decision.waitMs).toBe(4000);
  });

  it('waits what Retry-After says in seconds (R1: 7 s)', () => {
    const decision = decideRetry(input({ outcome: status(429, { 'Retry-After': '7' }) }));
    expect(decision).toMatchObject({ retry: true, waitMs: 7000 });
    expect(decision.reason).toContain('retry-after');
  });

  it('waits until an HTTP-date Retry-After', () => {
    const date = new Date(NOW + 12_000).toUTCString();
    const decision = decideRetry(input({ outcome: status(429, { 'retry-after': date }) }));
    expect(decision.waitMs).toBe(12_000);
  });

  it('treats an HTTP-date Retry-After in the past as no wait', () => {
    const date = new Date(NOW - 60_000).toUTCString();
    expect(decideRetry(input({ outcome: status(503, { 'retry-after': date }) })).waitMs).toBe(0);
  });

  it('caps Retry-After at maxRetryAfterMs', () => {
    const outcome = status(429, { 'retry-after': '3600' });
    expect(decideRetry(input({ outcome })).waitMs).toBe(120_000);
    expect(decideRetry(input({ outcome, options: { maxRetryAfterMs: 5000 } })).waitMs).toBe(5000);
  });

  it('falls back to backoff when Retry-After is garbage', () => {
    const outcome = status(429, { 'retry-after': 'soon' });
    expect(decideRetry(input({ outcome, random: () => 0 })).waitMs).toBe(250);
  });

  it('prefers Retry-After over RateLimit-Reset over X-RateLimit-Reset', () => {
    const all = { 'retry-after': '3', 'ratelimit-reset': '5', 'x-ratelimit-reset': '9' };
    expect(headerWait(all, NOW)).toEqual({ ms: 3000, header: 'retry-after' });

    const noRetryAfter = { 'ratelimit-reset': '5', 'x-ratelimit-reset': '9' };
    expect(headerWait(noRetryAfter, NOW)).toEqual({ ms: 5000, header: 'ratelimit-reset' });
    expect(headerWait({ 'x-ratelimit-reset': '9' }, NOW)).toEqual({
      ms: 9000,
      header: 'x-ratelimit-reset',
    });
  });

  it('reads an epoch-seconds X-RateLimit-Reset as a point in time', () => {
    const reset = String(Math.floor(NOW / 1000) + 20);
    expect(headerWait({ 'x-ratelimit-reset': reset }, NOW)).toEqual({
      ms: 20_000,
      header: 'x-ratelimit-reset',
    });
  });

  it('stops when the attempt limit is reached (R3)', () => {
    expect(decideRetry(input({ attempt: 5 })).retry).toBe(true);
    const decision = decideRetry(input({ attempt: 6 }));
    expect(decision.retry).toBe(false);
    expect(decision.reason).toContain('6 attempts used');
    expect(decideRetry(input({ attempt: 2, options: { maxAttempts: 2 } })).retry).toBe(false);
  });

  it('stops when the wait would cross the time budget', () => {
    const options = { maxElapsedMs: 10_000 };
    const outcome = status(429, { 'retry-after': '5' });
    expect(decideRetry(input({ outcome, options, elapsedMs: 5000 })).retry).toBe(true);

    const decision = decideRetry(input({ outcome, options, elapsedMs: 5001 }));
    expect(decision.retry).toBe(false);
    expect(decision.reason).toContain('time budget');
  });

  it('is deterministic for the same input', () => {
    const a = decideRetry(input({ attempt: 3, random: () => 0.3 }));
    const b = decideRetry(input({ attempt: 3, random: () => 0.3 }));
    expect(a).toEqual(b);
  });
});

describe('parseRetryAfter', () => {
  it('accepts fractional seconds and rounds up', () => {
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter('0.0001', NOW)).toBe(1);
  });

  it('rejects negative numbers and empty values', () => {
    expect(parseRetryAfter('-3', NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});
