import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { storeBackends } from '../store/test-support/store-backends.js';
import { ApiHarness } from './test-support/api-harness.js';

const { backends, skipped } = storeBackends();

if (skipped !== null) {
  describe('flow state and notifications on PostgreSQL', () => {
    it.skip(skipped, () => undefined);
  });
}

type Json = Record<string, unknown>;

describe.each(backends)('flow schedules, state and notifications on the $name store', (backend) => {
  let api: ApiHarness;

  beforeAll(async () => {
    await backend.start();
    api = await ApiHarness.start(backend);
    await api.createCredential('hotjar-main');
  });

  afterAll(async () => {
    await api?.close();
    await backend.stop();
  });

  it('shows the next run times of an active scheduled flow, and none once it is paused', async () => {
    const created = await api.call('POST', '/api/flows', {
      body: {
        ...api.flowFile('scheduled', 'hotjar-main', 'scheduled.db'),
        schedule: 'every 15 minutes',
      },
      token: api.tokenOf('editor'),
    });
    expect(created.status).toBe(201);
    const id = (created.body as Json)['id'] as string;

    const next = (
      (await api.call('GET', `/api/flows/${id}`, { token: api.tokenOf('viewer') })).body as Json
    )['next_runs'] as string[];
    expect(next).toHaveLength(5);
    const gaps = next.slice(1).map((at, i) => Date.parse(at) - Date.parse(next[i] ?? ''));
    expect(gaps).toEqual([900_000, 900_000, 900_000, 900_000]);
    expect(Date.parse(next[0] ?? '')).toBeGreaterThan(Date.now() - 1000);

    await api.call('POST', `/api/flows/${id}/pause`, { token: api.tokenOf('editor') });
    const paused = (await api.call('GET', `/api/flows/${id}`, { token: api.tokenOf('viewer') }))
      .body as Json;
    expect(paused['next_runs']).toEqual([]);
  });

  it("shows and resets a flow's sync state", async () => {
    const created = await api.call('POST', '/api/flows', {
      body: api.flowFile('stateful', 'hotjar-main', 'stateful.db'),
      token: api.tokenOf('editor'),
    });
    const id = (created.body as Json)['id'] as string;
    const started = await api.call('POST', `/api/flows/${id}/run`, {
      token: api.tokenOf('editor'),
    });
    expect(await api.finishedRun((started.body as Json)['run_id'] as string)).toMatchObject({
      status: 'succeeded',
    });

    // The key's creation date was not given: its first successful use stands in for it.
    const credential = await api.call('GET', '/api/credentials', { token: api.tokenOf('viewer') });
    const used = (credential.body as { items: Json[] }).items.find(
      (c) => c['name'] === 'hotjar-main',
    );
    expect(used?.['key_created_on']).toBe(new Date().toISOString().slice(0, 10));

    const state = await api.call('GET', `/api/flows/${id}/state`, { token: api.tokenOf('viewer') });
    expect(state.status).toBe(200);
    expect(Object.keys((state.body as { partitions: Json }).partitions)).toHaveLength(2);

    expect(
      (await api.call('DELETE', `/api/flows/${id}/state`, { token: api.tokenOf('viewer') })).status,
    ).toBe(403);
    expect(
      (await api.call('DELETE', `/api/flows/${id}/state`, { token: api.tokenOf('editor') })).status,
    ).toBe(204);
    const cleared = await api.call('GET', `/api/flows/${id}/state`, {
      token: api.tokenOf('viewer'),
    });
    expect((cleared.body as { partitions: Json }).partitions).toEqual({});
  });

  it('tests credentials with a readable reason for a plan without the API and an unreachable host', async () => {
    const observe = api.emulator.createOrganization({
      plan: 'observe_scale',
      sites: 1,
      surveys: 1,
      responses: 1,
    });
    const key = api.emulator.createKey({ organizationId: observe.id });
    const planned = await api.call('POST', '/api/credentials', {
      body: {
        name: 'observe-only',
        type: 'hotjar',
        client_id: key.clientId,
        client_secret: key.clientSecret,
        base_url: api.emulator.url,
      },
    });
    const planTest = await api.call(
      'POST',
      `/api/credentials/${(planned.body as Json)['id'] as string}/test`,
      {
        body: { site_id: observe.sites[0]?.id ?? '' },
      },
    );
    expect(planTest.body).toMatchObject({ status: 'failed' });
    expect(String((planTest.body as Json)['message'])).toMatch(/403.*plan/);

    const away = await api.call('POST', '/api/credentials', {
      body: {
        name: 'nowhere',
        type: 'hotjar',
        client_id: 'id',
        client_secret: 'secret-value-x',
        base_url: 'http://127.0.0.1:9',
      },
    });
    const awayTest = await api.call(
      'POST',
      `/api/credentials/${(away.body as Json)['id'] as string}/test`,
    );
    expect(awayTest.body).toMatchObject({ status: 'failed' });
    expect(String((awayTest.body as Json)['message'])).toMatch(/unreachable/);
    api.secrets.push(key.clientSecret, 'secret-value-x');
  });

  it('lists notifications, unread ones on request, and marks them read', async () => {
    const first = await api.store.createNotification({
      kind: 'run_failed',
      message: 'flow x failed: AUTH_FAILED',
    });
    await api.store.createNotification({
      kind: 'key_expiring',
      message: 'key y expires in 7 days',
    });

    const all = await api.call('GET', '/api/notifications', { token: api.tokenOf('viewer') });
    expect((all.body as { items: Json[] }).items.map((n) => n['kind'])).toEqual([
      'key_expiring',
      'run_failed',
    ]);

    const read = await api.call('POST', `/api/notifications/${first.id}/read`, {
      token: api.tokenOf('viewer'),
    });
    expect(read.status).toBe(200);
    expect((read.body as Json)['read_at']).not.toBeNull();
    const unread = await api.call('GET', '/api/notifications?unread=true', {
      token: api.tokenOf('viewer'),
    });
    expect((unread.body as { items: Json[] }).items.map((n) => n['kind'])).toEqual([
      'key_expiring',
    ]);

    const marked = await api.call('POST', '/api/notifications/read', {
      token: api.tokenOf('viewer'),
    });
    expect(marked.body).toEqual({ marked: 1 });
    expect(api.leaks()).toEqual([]);
  });
});
