import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startEmulator, type RunningEmulator } from './start-emulator.js';
import {
  allPages,
  apiGet,
  call,
  control,
  fetchToken,
  tokenRequest,
  type Page,
} from './test-support/emulator-client.js';

describe('injected faults', () => {
  let emulator: RunningEmulator;
  let token: string;
  let surveysUrl: string;
  let responsesUrl: string;

  beforeEach(async () => {
    emulator = await startEmulator({ responses: 250 });
    token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    surveysUrl = `${emulator.url}/v1/sites/${emulator.siteId}/surveys`;
    const survey = emulator.model.organizations[0]!.sites[0]!.surveys[0]!;
    responsesUrl = `${surveysUrl}/${survey.key}/responses`;
  });

  afterEach(() => emulator.close());

  async function statuses(url: string, count: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < count; i += 1) {
      out.push((await apiGet(url, token)).status);
    }

    return out;
  }

  it('answers a status on the n-th matching request only (at)', async () => {
    emulator.addFault('status=500,at=2');

    expect(await statuses(surveysUrl, 4)).toEqual([200, 500, 200, 200]);
    expect(emulator.faults()[0]).toMatchObject({ matched: 4, fired: 1 });
  });

  it('fires on every n-th request, at most `times` times', async () => {
    emulator.addFault('status=503,every=2,times=2');

    expect(await statuses(surveysUrl, 8)).toEqual([200, 503, 200, 503, 200, 200, 200, 200]);
  });

  it('fires at a seeded rate', async () => {
    emulator.addFault('status=500,rate=0.5');

    const seen = await statuses(surveysUrl, 40);
    const failed = seen.filter((status) => status === 500).length;

    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
  });

  it('sends 429 with the given Retry-After and an error body', async () => {
    emulator.addFault('status=429,retry_after=2');

    const answer = await apiGet(surveysUrl, token);

    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('2');
    expect(answer.json).toMatchObject({ error: 'rate_limited' });
  });

  it('sends an HTML gateway page with a status, or on a 200', async () => {
    emulator.addFault('status=502,html,at=1');
    emulator.addFault('html,at=2');

    const gateway = await apiGet(surveysUrl, token);
    const ok = await apiGet(surveysUrl, token);

    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toMatch(/^text\/html/);
    expect(gateway.text).toMatch(/^<!DOCTYPE html>/);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('resets the connection', async () => {
    emulator.addFault('reset,at=1');

    await expect(
      fetch(surveysUrl, { headers: { authorization: `Bearer ${token}` } }),
    ).rejects.toThrow();
    expect(emulator.stats().resets).toBe(1);
    expect((await apiGet(surveysUrl, token)).status).toBe(200);
  });

  it('truncates the body: half of it, then the connection ends', async () => {
    emulator.addFault('truncate,at=1');

    const response = await fetch(responsesUrl, { headers: { authorization: `Bearer ${token}` } });

    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('delays the answer (slow)', async () => {
    emulator.addFault('slow=300,at=1');

    const started = performance.now();
    const answer = await apiGet(surveysUrl, token);

    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('filters by path and leaves the token endpoint alone unless its path is named', async () => {
    emulator.addFault('status=500,path=/responses');
    emulator.addFault('status=503,times=1');

    const token1 = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    const surveys = await statuses(surveysUrl, 2);
    const responses = await apiGet(responsesUrl, token1);
    emulator.addFault('status=500,path=/oauth/token');
    const tokenAnswer = await tokenRequest(emulator.url, {
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    });

    expect(surveys).toEqual([503, 200]);
    expect(responses.status).toBe(500);
    expect(tokenAnswer.status).toBe(500);
  });

  it('same_cursor: answers with the cursor the client sent', async () => {
    const first = await apiGet<Page>(`${responsesUrl}?limit=10`, token);
    const sent = String(first.json.next_cursor);
    emulator.addFault('same_cursor');

    const second = await apiGet<Page>(`${responsesUrl}?limit=10&cursor=${sent}`, token);

    expect(second.json.results).toHaveLength(10);
    expect(second.json.next_cursor).toBe(sent);
  });

  it('empty_forever: an empty page with a new, valid cursor every time', async () => {
    emulator.addFault('empty_forever');

    const first = await apiGet<Page>(`${responsesUrl}?limit=10`, token);
    const second = await apiGet<Page>(
      `${responsesUrl}?limit=10&cursor=${first.json.next_cursor}`,
      token,
    );

    expect(first.json.results).toEqual([]);
    expect(second.status).toBe(200);
    expect(second.json.results).toEqual([]);
    expect(second.json.next_cursor).not.toBeNull();
    expect(second.json.next_cursor).not.toBe(first.json.next_cursor);
  });

  it('short: fewer records than the limit but still a cursor, and nothing is lost', async () => {
    emulator.addFault('short=1,path=/responses');

    const pages = await allPages(responsesUrl, token, 100);

    expect(pages[0]?.results).toHaveLength(99);
    expect(pages[0]?.next_cursor).not.toBeNull();
    expect(pages.at(-1)?.next_cursor).toBeNull();
    expect(pages.flatMap((p) => p.results)).toHaveLength(250);
    expect(new Set(pages.flatMap((p) => p.results.map((r) => r['id']))).size).toBe(250);
  });

  it('insert: new responses arrive while a client pages, without shifting later pages', async () => {
    const first = await apiGet<Page>(`${responsesUrl}?limit=100`, token);
    emulator.addFault('insert=7,path=/responses,times=1');

    const rest: Page[] = [];
    for (let cursor = first.json.next_cursor; cursor !== null;) {
      const page = await apiGet<Page>(`${responsesUrl}?limit=100&cursor=${cursor}`, token);
      rest.push(page.json);
      cursor = page.json.next_cursor;
    }

    const fresh = await apiGet<Page>(`${responsesUrl}?limit=100`, token);
    const ids = [...first.json.results, ...rest.flatMap((p) => p.results)].map((r) => r['id']);

    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(emulator.faults()[0]?.fired).toBe(1);
    expect(fresh.json.results.slice(0, 7).every((r) => !ids.includes(r['id']))).toBe(true);
  });

  it('is managed through the control endpoints, which faults never touch', async () => {
    const added = await control(emulator.url, 'faults', [{ status: 500 }, 'status=502,html']);
    const stats = await control(emulator.url, 'stats');
    const failing = await apiGet(surveysUrl, token);
    const cleared = await call(`${emulator.url}/__emulator/faults`, { method: 'DELETE' });
    const healed = await apiGet(surveysUrl, token);
    const bad = await control(emulator.url, 'faults', { status: 500, colour: 'red' });

    expect(added.status).toBe(200);
    expect(stats.status).toBe(200);
    expect(failing.status).toBe(502);
    expect(cleared.json).toEqual({ faults: [] });
    expect(healed.status).toBe(200);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('colour');
  });
});
