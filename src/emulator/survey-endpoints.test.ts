import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { QUESTION_TYPES } from './survey-generator.js';
import { startEmulator, type RunningEmulator } from './start-emulator.js';
import { allPages, apiGet, call, fetchToken, type Page } from './test-support/emulator-client.js';

describe('the survey endpoints', () => {
  let emulator: RunningEmulator;
  let token: string;
  let sitesUrl: string;
  let surveyIds: (string | number)[];

  beforeAll(async () => {
    emulator = await startEmulator({ responses: 250, surveys: 4 });
    token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    sitesUrl = `${emulator.url}/v1/sites/${emulator.siteId}/surveys`;
    const list = await apiGet<Page>(`${sitesUrl}?limit=100`, token);
    surveyIds = list.json.results.map((survey) => survey['id'] as string | number);
  });

  afterAll(() => emulator.close());

  const responsesUrl = (index = 0): string =>
    `${sitesUrl}/${encodeURIComponent(String(surveyIds[index]))}/responses`;

  it('lists the surveys of a site newest first, without questions unless asked', async () => {
    const plain = await apiGet<Page>(sitesUrl, token);
    const withQuestions = await apiGet<Page>(`${sitesUrl}?with_questions=true`, token);

    expect(plain.json.results).toHaveLength(4);
    expect(plain.json.next_cursor).toBeNull();
    expect(plain.json.results[0]).not.toHaveProperty('questions');
    expect(withQuestions.json.results[0]).toHaveProperty('questions');
    const times = plain.json.results.map((s) => Date.parse(String(s['created_time'])));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('mixes numeric and survey_<uuid> ids', () => {
    expect(surveyIds.some((id) => typeof id === 'number')).toBe(true);
    expect(
      surveyIds.some((id) => typeof id === 'string' && /^survey_[0-9a-f-]{36}$/.test(id)),
    ).toBe(true);
  });

  it('pages the survey list with a cursor', async () => {
    const pages = await allPages(sitesUrl, token, 3);

    expect(pages.map((page) => page.results.length)).toEqual([3, 1]);
  });

  it('returns one survey unwrapped, with questions of every type and both choice shapes', async () => {
    const answers = await Promise.all(
      surveyIds.map((id) =>
        apiGet<Record<string, unknown>>(`${sitesUrl}/${encodeURIComponent(String(id))}`, token),
      ),
    );
    const questions = answers.flatMap((a) => a.json['questions'] as Record<string, unknown>[]);
    const choices = questions.flatMap((q) =>
      Array.isArray(q['choices']) ? (q['choices'] as unknown[]) : [],
    );

    expect(answers[0]?.json).toMatchObject({
      id: surveyIds[0],
      name: expect.any(String) as unknown,
    });
    expect(new Set(questions.map((q) => q['type']))).toEqual(new Set(QUESTION_TYPES));
    expect(choices.some((c) => typeof c === 'string')).toBe(true);
    expect(choices.some((c) => typeof c === 'object' && c !== null && 'allow_comment' in c)).toBe(
      true,
    );
    expect(questions.some((q) => q['labels'] !== null)).toBe(true);
  });

  it('pages responses to the end: exactly the count, newest first, unique ids', async () => {
    const pages = await allPages(responsesUrl(), token, 100);
    const records = pages.flatMap((page) => page.results);
    const keys = records.map(
      (r) => [Date.parse(String(r['created_time'])), Number(r['id'])] as const,
    );

    expect(pages.map((p) => p.results.length)).toEqual([100, 100, 50]);
    expect(new Set(records.map((r) => r['id'])).size).toBe(250);
    expect(
      keys.every(
        ([t, id], i) =>
          i === 0 || t < keys[i - 1]![0] || (t === keys[i - 1]![0] && id < keys[i - 1]![1]),
      ),
    ).toBe(true);
    expect(keys.some(([t], i) => i > 0 && t === keys[i - 1]![0])).toBe(true);
  });

  it('answers a null cursor on an exactly full last page', async () => {
    const pages = await allPages(responsesUrl(), token, 50);

    expect(pages).toHaveLength(5);
    expect(pages.at(-1)?.results).toHaveLength(50);
    expect(pages.at(-1)?.next_cursor).toBeNull();
  });

  it('spreads creation times over about a year before 2026-01-01', async () => {
    const records = (await allPages(responsesUrl(), token)).flatMap((page) => page.results);
    const newest = Date.parse(String(records[0]?.['created_time']));
    const oldest = Date.parse(String(records.at(-1)?.['created_time']));

    expect(newest).toBeLessThan(Date.parse('2026-01-01T00:00:00Z'));
    expect((newest - oldest) / 86_400_000).toBeGreaterThan(330);
  });

  it('serves realistic content: many scripts, emoji, partial responses, attributes of every JSON type', async () => {
    const records = (await Promise.all(surveyIds.map((_, i) => allPages(responsesUrl(i), token))))
      .flat()
      .flatMap((page) => page.results);
    const text = JSON.stringify(records);
    const attributeTypes = new Set(
      records.flatMap((r) =>
        (r['user_attributes'] as { value: unknown }[]).map((a) =>
          Array.isArray(a.value) ? 'array' : a.value === null ? 'null' : typeof a.value,
        ),
      ),
    );
    const comments = records
      .flatMap((r) => (r['answers'] as { answer: unknown }[]).map((a) => a.answer))
      .filter((a) => typeof a === 'string');

    expect(text).toMatch(/[\u0600-\u06ff]/);
    expect(text).toMatch(/[\u4e00-\u9fff]/);
    expect(text).toContain('\u200d');
    expect(text).toContain('\u0301');
    expect(records.some((r) => r['is_complete'] === false)).toBe(true);
    expect(records.some((r) => r['recording_url'] === null)).toBe(true);
    expect(records.some((r) => 'window_size' in r)).toBe(true);
    expect(attributeTypes).toEqual(
      new Set(['string', 'number', 'boolean', 'null', 'object', 'array']),
    );
    expect(comments).toContain('');
    expect(Math.max(...comments.map((c) => Buffer.byteLength(String(c))))).toBeGreaterThan(3000);
  });

  it.each(['0', '101', '-1', 'ten'])('rejects limit=%s with 400', async (limit) => {
    const answer = await apiGet(`${responsesUrl()}?limit=${limit}`, token);

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: 'invalid_limit',
      message: expect.any(String) as unknown,
    });
  });

  it('rejects a tampered cursor, a made-up one and one from another list with 400', async () => {
    const first = await apiGet<Page>(`${responsesUrl(0)}?limit=10`, token);
    const cursor = String(first.json.next_cursor);
    const flipped = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6);
    const other = await apiGet<Page>(`${responsesUrl(1)}?limit=10`, token);

    for (const bad of [flipped, 'abc', String(other.json.next_cursor)]) {
      const answer = await apiGet(
        `${responsesUrl(0)}?limit=10&cursor=${encodeURIComponent(bad)}`,
        token,
      );
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: 'invalid_cursor' });
    }
  });

  it('answers 404 for an unknown survey, an unknown site and a site of another organization', async () => {
    const foreign = emulator.model.organizations[1]?.sites[0]?.id;
    const urls = [
      `${sitesUrl}/999/responses`,
      `${emulator.url}/v1/sites/1/surveys`,
      `${emulator.url}/v1/sites/${foreign}/surveys`,
      `${emulator.url}/v1/nothing-here`,
    ];

    for (const url of urls) {
      const answer = await apiGet(url, token);
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ error: expect.stringMatching(/not_found$/) as unknown });
    }
  });

  it('answers 403 when the key lacks the scope', async () => {
    const key = emulator.createKey({
      organizationId: emulator.organizationId,
      scopes: ['surveys:read'],
    });
    const limited = await fetchToken(emulator.url, key.clientId, key.clientSecret);

    const surveys = await apiGet(sitesUrl, limited);
    const responses = await apiGet(responsesUrl(), limited);

    expect(surveys.status).toBe(200);
    expect(responses.status).toBe(403);
    expect(responses.json).toMatchObject({ error: 'insufficient_scope' });
  });

  it('answers 403 on survey endpoints for an Observe Scale organization', async () => {
    const organization = emulator.createOrganization({ plan: 'observe_scale', responses: 3 });
    const key = emulator.createKey({ organizationId: organization.id });
    const observe = await fetchToken(emulator.url, key.clientId, key.clientSecret);

    const answer = await apiGet(
      `${emulator.url}/v1/sites/${organization.sites[0]?.id}/surveys`,
      observe,
    );

    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: 'plan_not_allowed' });
  });

  it('answers 405 for a wrong method on a known path', async () => {
    const answer = await call(sitesUrl, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });

    expect(answer.status).toBe(405);
  });
});

describe('emulator knobs on the survey endpoints', () => {
  it('clamps limit with limitMode clamp', async () => {
    const emulator = await startEmulator({ responses: 150, limitMode: 'clamp' });
    const token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    const survey = emulator.model.organizations[0]!.sites[0]!.surveys[0]!;
    const url = `${emulator.url}/v1/sites/${emulator.siteId}/surveys/${survey.key}/responses`;

    const big = await apiGet<Page>(`${url}?limit=500`, token);
    const small = await apiGet<Page>(`${url}?limit=0`, token);

    expect(big.json.results).toHaveLength(100);
    expect(small.json.results).toHaveLength(1);
    await emulator.close();
  });

  it.each([
    [
      'msg',
      (text: string) => expect(JSON.parse(text)).toEqual({ msg: expect.any(String) as unknown }),
    ],
    ['text', (text: string) => expect(text).toMatch(/^[^{]/)],
  ] as const)('shapes error bodies with errorFormat %s', async (errorFormat, check) => {
    const emulator = await startEmulator({ responses: 1, errorFormat });

    const answer = await call(`${emulator.url}/v1/sites/${emulator.siteId}/surveys`);

    expect(answer.status).toBe(401);
    check(answer.text);
    await emulator.close();
  });

  it('writes ids above 2^53 as exact JSON integers with bigIds', async () => {
    const emulator = await startEmulator({ responses: 3, bigIds: true });
    const token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    const survey = emulator.model.organizations[0]!.sites[0]!.surveys[0]!;

    const answer = await apiGet(
      `${emulator.url}/v1/sites/${emulator.siteId}/surveys/${survey.key}/responses`,
      token,
    );
    const ids = [...answer.text.matchAll(/"id":(\d+)/g)].map((m) => BigInt(m[1]!));

    expect(ids).toHaveLength(3);
    expect(ids.every((id) => id > 2n ** 53n)).toBe(true);
    expect(new Set(ids).size).toBe(3);
    await emulator.close();
  });
});
