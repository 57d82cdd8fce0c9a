import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type RunningEmulator } from './start-emulator.js';
import {
  allPages,
  apiGet,
  call,
  control,
  fetchToken,
  type Page,
} from './test-support/emulator-client.js';

describe('the control endpoints', () => {
  let emulator: RunningEmulator;
  let token: string;
  let surveyKey: string;

  beforeAll(async () => {
    emulator = await startEmulator({ responses: 30, surveys: 2, rateLimit: 2 });
    token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    surveyKey = emulator.model.organizations[0]!.sites[0]!.surveys[0]!.key;
  });

  afterAll(() => emulator.close());

  const responsesUrl = (): string =>
    `${emulator.url}/v1/sites/${emulator.siteId}/surveys/${surveyKey}/responses`;

  it('are neither counted nor rate limited', async () => {
    await control(emulator.url, 'reset-stats', {});
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => control(emulator.url, 'stats')),
    );
    const stats = await control<Record<string, unknown>>(emulator.url, 'stats');

    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(stats.json).toMatchObject({ requests: 0, by_status: {}, token_requests: 0 });
  });

  it('add responses to one survey, which then come first on page 1', async () => {
    emulator.advanceClock(120);
    const added = await control(emulator.url, 'responses', { survey_id: surveyKey, count: 3 });
    const page = await apiGet<Page>(`${responsesUrl()}?limit=5`, token);
    const newest = page.json.results.slice(0, 3).map((r) => Date.parse(String(r['created_time'])));

    expect(added.json).toEqual({ added: 3 });
    expect(newest.every((t) => t >= Date.parse('2026-01-01T00:02:00Z'))).toBe(true);
    expect(newest[0]).toBeGreaterThan(newest[1]!);
    emulator.advanceClock(61);
    const total = (await allPages(responsesUrl(), token)).flatMap((p) => p.results);
    expect(total).toHaveLength(33);
  });

  it("add responses spread over every survey of the key's organization when none is named", async () => {
    const surveys = emulator.model.allSurveys();
    const own = surveys.filter((s) => s.site.organization.id === emulator.organizationId);
    const before = surveys.map((s) => s.store.size);
    await control(emulator.url, 'responses', { count: own.length * 2 });
    const after = surveys.map((s) => s.store.size);

    const expected = surveys.map((s) =>
      s.site.organization.id === emulator.organizationId ? 2 : 0,
    );
    expect(after.map((n, i) => n - before[i]!)).toEqual(expected);
    expect(own.length).toBeLessThan(surveys.length);
  });

  it('reject bad bodies and unknown surveys', async () => {
    const noCount = await control(emulator.url, 'responses', {});
    const unknown = await control(emulator.url, 'responses', { survey_id: 'nope', count: 1 });
    const notJson = await call(`${emulator.url}/__emulator/clock`, { method: 'POST', body: '{' });
    const noRoute = await control(emulator.url, 'teleport');

    expect([noCount.status, unknown.status, notJson.status, noRoute.status]).toEqual([
      400, 404, 400, 404,
    ]);
  });

  it('move the clock forward', async () => {
    const before = await control<{ now: string }>(emulator.url, 'clock');
    const after = await control<{ now: string }>(emulator.url, 'clock', { advance_seconds: 3600 });

    expect(Date.parse(after.json.now) - Date.parse(before.json.now)).toBeGreaterThanOrEqual(
      3_600_000,
    );
  });

  it('create keys: another plan, fewer scopes, already expired', async () => {
    const observe = await control<Record<string, string>>(emulator.url, 'keys', {
      plan: 'observe_scale',
    });
    const scoped = await control<Record<string, string>>(emulator.url, 'keys', {
      organization_id: emulator.organizationId,
      scopes: ['user-lookup'],
    });
    const expired = await control<Record<string, string>>(emulator.url, 'keys', {
      organization_id: emulator.organizationId,
      expires_in_seconds: -1,
    });
    emulator.advanceClock(61);
    const observeToken = await fetchToken(
      emulator.url,
      observe.json['client_id']!,
      observe.json['client_secret']!,
    );
    const scopedToken = await fetchToken(
      emulator.url,
      scoped.json['client_id']!,
      scoped.json['client_secret']!,
    );
    emulator.advanceClock(61);
    const expiredToken = await call(`${emulator.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: expired.json['client_id']!,
        client_secret: expired.json['client_secret']!,
      }).toString(),
    });
    emulator.advanceClock(61);
    const surveysOf = (site: string): string => `${emulator.url}/v1/sites/${site}/surveys`;

    expect(observe.json).toMatchObject({
      plan: 'observe_scale',
      site_id: expect.any(String) as unknown,
    });
    expect((await apiGet(surveysOf(observe.json['site_id']!), observeToken)).status).toBe(403);
    emulator.advanceClock(61);
    expect((await apiGet(surveysOf(emulator.siteId), scopedToken)).status).toBe(403);
    expect(expiredToken.status).toBe(401);
  });
});
