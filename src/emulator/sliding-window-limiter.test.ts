import { describe, expect, it } from 'vitest';

import { SlidingWindowLimiter } from './sliding-window-limiter.js';
import { startEmulator } from './start-emulator.js';
import { apiGet, call, fetchToken } from './test-support/emulator-client.js';

describe('SlidingWindowLimiter', () => {
  it('allows N requests in any 60-second window and says when the next slot frees', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(3, () => now);

    const first = [limiter.check('a'), limiter.check('a')];
    now = 30_000;
    const third = limiter.check('a');
    const fourth = limiter.check('a');
    const otherClient = limiter.check('b');
    now = 60_000;
    const afterOldestLeft = [limiter.check('a'), limiter.check('a')];
    const stillFull = limiter.check('a');

    expect([...first, third].every((d) => d.allowed)).toBe(true);
    expect(fourth).toEqual({ allowed: false, retryAfterMs: 30_000 });
    expect(otherClient.allowed).toBe(true);
    expect(afterOldestLeft.every((d) => d.allowed)).toBe(true);
    expect(stillFull).toEqual({ allowed: false, retryAfterMs: 30_000 });
  });
});

async function overLimit(retryAfter: 'seconds' | 'http-date' | 'omit') {
  const emulator = await startEmulator({ responses: 1, rateLimit: 3, retryAfter });
  const token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
  const url = `${emulator.url}/v1/sites/${emulator.siteId}/surveys`;
  const statuses = [];
  for (let i = 0; i < 3; i += 1) {
    statuses.push((await apiGet(url, token)).status);
  }

  return { emulator, token, url, statuses };
}

describe('the rate limit', () => {
  it('answers 429 with Retry-After in seconds once the window is full (token requests count)', async () => {
    const { emulator, url, token, statuses } = await overLimit('seconds');
    const control = await call(`${emulator.url}/__emulator/stats`);

    expect(statuses).toEqual([200, 200, 429]);
    const limited = await apiGet(url, token);
    expect(limited.json).toMatchObject({ error: 'rate_limited' });
    const seconds = Number(limited.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(50);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(control.status).toBe(200);
    expect(emulator.stats()).toMatchObject({
      requests: 5,
      rate_limited: 2,
      by_status: { '429': 2 },
    });
    await emulator.close();
  });

  it('sends Retry-After as an HTTP date', async () => {
    const { emulator, statuses, url, token } = await overLimit('http-date');
    const limited = await apiGet(url, token);
    const when = Date.parse(String(limited.headers.get('retry-after')));

    expect(statuses.at(-1)).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/GMT$/);
    expect(when - Date.now()).toBeGreaterThan(40_000);
    expect(when - Date.now()).toBeLessThanOrEqual(61_000);
    await emulator.close();
  });

  it('omits Retry-After when asked', async () => {
    const { emulator, statuses, url, token } = await overLimit('omit');
    const limited = await apiGet(url, token);

    expect(statuses.at(-1)).toBe(429);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    await emulator.close();
  });

  it('lets requests through again once the window has passed', async () => {
    const { emulator, url, token } = await overLimit('seconds');

    emulator.advanceClock(61);

    expect((await apiGet(url, token)).status).toBe(200);
    await emulator.close();
  });

  it('can be switched off', async () => {
    const emulator = await startEmulator({ responses: 1, rateLimit: null });
    const token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    const url = `${emulator.url}/v1/sites/${emulator.siteId}/surveys`;
    const statuses = await Promise.all(Array.from({ length: 20 }, () => apiGet(url, token)));

    expect(statuses.every((answer) => answer.status === 200)).toBe(true);
    await emulator.close();
  });
});
