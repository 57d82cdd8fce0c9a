import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type RunningEmulator } from './start-emulator.js';
import { allPages, call, control, fetchToken } from './test-support/emulator-client.js';

describe('the user-lookup endpoint', () => {
  let emulator: RunningEmulator;
  let token: string;
  let lookupUrl: string;

  beforeAll(async () => {
    emulator = await startEmulator({ responses: 300, surveys: 2 });
    token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    lookupUrl = `${emulator.url}/v1/organizations/${emulator.organizationId}/user-lookup`;
  });

  afterAll(() => emulator.close());

  const post = (body: unknown, url = lookupUrl, bearer = token) =>
    call(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  async function allResponses(): Promise<Record<string, unknown>[]> {
    const site = emulator.model.organizations[0]!.sites[0]!;
    const pages = await Promise.all(
      site.surveys.map((s) =>
        allPages(`${emulator.url}/v1/sites/${site.id}/surveys/${s.key}/responses`, token),
      ),
    );
    return pages.flat().flatMap((page) => page.results);
  }

  function emailOf(record: Record<string, unknown>): unknown {
    return (record['user_attributes'] as { name: string; value: unknown }[]).find(
      (a) => a.name === 'email',
    )?.value;
  }

  it.each([
    ['no subject', { delete_all_hits: false }],
    ['no delete_all_hits', { data_subject_email: 'a@example.com' }],
    [
      'a non-boolean delete_all_hits',
      { data_subject_email: 'a@example.com', delete_all_hits: 'yes' },
    ],
    ['a bad email', { data_subject_email: 'not-an-email', delete_all_hits: false }],
    ['an empty map', { data_subject_site_id_to_user_id_map: {}, delete_all_hits: false }],
    ['an unknown key', { data_subject_email: 'a@example.com', delete_all_hits: false, extra: 1 }],
    ['a broken JSON body', '{"data_subject_email":'],
  ])('answers 400 for %s', async (_name, body) => {
    const answer = await post(body);

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: 'invalid_body',
      message: expect.any(String) as unknown,
    });
  });

  it('answers 404 for another organization and 401 without a token', async () => {
    const other = emulator.model.organizations[1]!.id;
    const body = { data_subject_email: 'a@example.com', delete_all_hits: false };

    expect((await post(body, `${emulator.url}/v1/organizations/${other}/user-lookup`)).status).toBe(
      404,
    );
    expect((await post(body, lookupUrl, 'bad-token')).status).toBe(401);
  });

  it('accepts a lookup with 200 {} and logs it without deleting anything', async () => {
    const before = await allResponses();
    const email = before.map(emailOf).find((value) => typeof value === 'string');

    const answer = await post({ data_subject_email: email, delete_all_hits: false });
    const lookups = await control<{ lookups: Record<string, unknown>[] }>(emulator.url, 'lookups');

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({});
    expect(lookups.json.lookups.at(-1)).toMatchObject({
      organization_id: emulator.organizationId,
      status: 200,
      body: { data_subject_email: email, delete_all_hits: false },
      matched_users: 1,
      deleted_responses: 0,
    });
    expect(await allResponses()).toHaveLength(before.length);
  });

  it('deletes every response of the subject with delete_all_hits true', async () => {
    const before = await allResponses();
    const email = before.map(emailOf).find((value) => typeof value === 'string');
    const matching = before.filter((r) => emailOf(r) === email).length;

    const answer = await post({ data_subject_email: email, delete_all_hits: true });
    const after = await allResponses();

    expect(answer.status).toBe(200);
    expect(matching).toBeGreaterThan(0);
    expect(after).toHaveLength(before.length - matching);
    expect(after.some((r) => emailOf(r) === email)).toBe(false);
    expect(emulator.lookups().at(-1)).toMatchObject({ deleted_responses: matching });
  });

  it('deletes by the site-to-user-id map', async () => {
    const before = await allResponses();
    const userId = before
      .map(
        (r) =>
          (r['user_attributes'] as { name: string; value: unknown }[]).find(
            (a) => a.name === 'user_id',
          )?.value,
      )
      .find((value) => typeof value === 'string');
    const hasUser = (r: Record<string, unknown>): boolean =>
      JSON.stringify(r).includes(String(userId));

    const answer = await post({
      data_subject_site_id_to_user_id_map: { [emulator.siteId]: userId },
      delete_all_hits: true,
    });

    expect(answer.status).toBe(200);
    expect(before.some(hasUser)).toBe(true);
    expect((await allResponses()).some(hasUser)).toBe(false);
  });

  it('needs the user-deletion scope to delete', async () => {
    const key = emulator.createKey({
      organizationId: emulator.organizationId,
      scopes: ['user-lookup'],
    });
    const limited = await fetchToken(emulator.url, key.clientId, key.clientSecret);
    const body = { data_subject_email: 'a@example.com', delete_all_hits: true };

    const answer = await post(body, lookupUrl, limited);
    const lookup = await post({ ...body, delete_all_hits: false }, lookupUrl, limited);

    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: 'insufficient_scope' });
    expect(lookup.status).toBe(200);
  });

  it('works for an Observe Scale organization', async () => {
    const organization = emulator.createOrganization({ plan: 'observe_scale', responses: 2 });
    const key = emulator.createKey({ organizationId: organization.id });
    const observe = await fetchToken(emulator.url, key.clientId, key.clientSecret);

    const answer = await post(
      { data_subject_email: 'a@example.com', delete_all_hits: false },
      `${emulator.url}/v1/organizations/${organization.id}/user-lookup`,
      observe,
    );

    expect(answer.status).toBe(200);
  });
});

describe('the user-lookup success status knob', () => {
  it('answers 204 with no body when set', async () => {
    const emulator = await startEmulator({ responses: 1, lookupStatus: 204 });
    const token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);

    const answer = await call(
      `${emulator.url}/v1/organizations/${emulator.organizationId}/user-lookup`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data_subject_email: 'a@example.com', delete_all_hits: false }),
      },
    );

    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    await emulator.close();
  });
});
