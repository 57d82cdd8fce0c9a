import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { storeBackends } from '../store/test-support/store-backends.js';
import { ApiHarness, type ApiAnswer } from './test-support/api-harness.js';

const { backends, skipped } = storeBackends();

if (skipped !== null) {
  describe('the API on PostgreSQL', () => {
    it.skip(skipped, () => undefined);
  });
}

type Json = Record<string, unknown>;

function expectErrorShape(answer: ApiAnswer, status: number): void {
  expect(answer.status).toBe(status);
  const error = (answer.body as { error: Json }).error;
  expect(Object.keys(error).sort()).toEqual(['code', 'details', 'message']);
  expect(typeof error['code']).toBe('string');
  expect(typeof error['message']).toBe('string');
  expect(typeof error['details']).toBe('object');
}

describe.each(backends)('the API on the $name store', (backend) => {
  let api: ApiHarness;
  let credentialId = '';
  let flowId = '';

  beforeAll(async () => {
    await backend.start();
    api = await ApiHarness.start(backend, 5);
  });

  afterAll(async () => {
    await api?.close();
    await backend.stop();
  });

  it('stores a credential with its secret encrypted and shows it masked', async () => {
    credentialId = (await api.createCredential('hotjar-main')).id;

    const listed = await api.call('GET', '/api/credentials', { token: api.tokenOf('viewer') });
    expect(listed.status).toBe(200);
    const items = (listed.body as { items: Json[]; next_cursor: unknown }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: credentialId,
      name: 'hotjar-main',
      type: 'hotjar',
      credential: { type: 'hotjar', client_id: api.emulator.clientId, client_secret: '***' },
    });

    const rows = await api.target.raw('SELECT encrypted_secret FROM credentials');
    const blob = Buffer.from(rows[0]?.['encrypted_secret'] as Uint8Array);
    expect(blob.includes(Buffer.from(api.emulator.clientSecret))).toBe(false);
  });

  it('tests a credential: verified against the emulator, failed with a readable reason for a bad secret', async () => {
    const ok = await api.call('POST', `/api/credentials/${credentialId}/test`, { raw: '' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'verified' });
    expect(String((ok.body as Json)['message'])).toContain(`site ${api.emulator.siteId}`);

    const other = await api.call('POST', '/api/credentials', {
      body: {
        name: 'wrong',
        type: 'hotjar',
        client_id: 'nobody',
        client_secret: 'not-the-secret-value',
        base_url: api.emulator.url,
      },
    });
    const failed = await api.call(
      'POST',
      `/api/credentials/${(other.body as Json)['id'] as string}/test`,
    );
    expect(failed.body).toMatchObject({ status: 'failed' });
    expect(String((failed.body as Json)['message'])).toMatch(/refused/);

    const expired = await api.call(
      'PATCH',
      `/api/credentials/${(other.body as Json)['id'] as string}`,
      {
        body: { key_created_on: '2020-01-01' },
      },
    );
    expect(expired.status).toBe(200);
    const tested = await api.call(
      'POST',
      `/api/credentials/${(other.body as Json)['id'] as string}/test`,
    );
    expect(String((tested.body as Json)['message'])).toMatch(/expired on 2020-12-31/);

    const detail = await api.call('GET', `/api/credentials/${credentialId}`);
    expect((detail.body as Json)['last_test']).toMatchObject({ status: 'verified' });
  });

  it('rotates a secret in place and records the change in the audit trail, masked', async () => {
    const rotated = await api.call('PATCH', `/api/credentials/${credentialId}`, {
      body: { client_secret: api.emulator.clientSecret, description: 'the main key' },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: credentialId, description: 'the main key' });

    const audit = await api.call('GET', `/api/audit?entity_id=${credentialId}`);
    const actions = (audit.body as { items: Json[] }).items.map((e) => e['action']);
    expect(actions).toEqual(expect.arrayContaining(['create', 'test', 'rotate']));
    const rotation = (audit.body as { items: Json[] }).items.find((e) => e['action'] === 'rotate');
    expect(rotation).toMatchObject({
      actor: 'admin-token',
      before: { description: null },
      after: { description: 'the main key' },
    });
  });

  it('saves a flow naming the credential, runs it, and fills the SQLite destination', async () => {
    const created = await api.call('POST', '/api/flows', {
      body: api.flowFile('responses', 'hotjar-main'),
      token: api.tokenOf('editor'),
    });
    expect(created.status).toBe(201);
    flowId = (created.body as Json)['id'] as string;
    expect(created.body).toMatchObject({
      name: 'responses',
      status: 'active',
      credential_ids: [credentialId],
    });

    const started = await api.call('POST', `/api/flows/${flowId}/run`, {
      token: api.tokenOf('editor'),
    });
    expect(started.status).toBe(202);
    const runId = (started.body as Json)['run_id'] as string;
    const run = await api.finishedRun(runId);
    expect(run).toMatchObject({
      status: 'succeeded',
      run_id: runId,
      flow: 'responses',
      error: null,
    });
    expect((run['counts'] as Json)['records_written']).toBe(240);

    const db = new Database(join(api.filesRoot, 'hotjar.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM survey_responses').get()).toEqual({ n: 240 });
    } finally {
      db.close();
    }

    const logs = await api.call('GET', `/api/runs/${runId}/logs`);
    const messages = (logs.body as { items: Json[] }).items.map((line) => line['message']);
    expect(messages).toContain('run started');
    expect(messages).toContain('run finished');
  });

  it('refuses a second run of a flow while one runs (409) and cancels a running run', async () => {
    api.emulator.addResponses(400);
    // Every upstream answer takes 1.5 s, so the run is surely still going when it is cancelled.
    api.emulator.addFault('slow=1500');
    const first = await api.call('POST', `/api/flows/${flowId}/run`);
    const second = await api.call('POST', `/api/flows/${flowId}/run`);
    expect(second.status).toBe(409);
    expect((second.body as Json)['error']).toMatchObject({ code: 'FLOW_LOCKED' });

    const cancelled = await api.call(
      'POST',
      `/api/runs/${(first.body as Json)['run_id'] as string}/cancel`,
      { raw: '' },
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });

    api.emulator.clearFaults();
    const again = await api.call(
      'POST',
      `/api/runs/${(first.body as Json)['run_id'] as string}/cancel`,
    );
    expect(again.status).toBe(409);
  });

  it('runs the Test button with a stored or an inline credential and lists the templates', async () => {
    const source = api.flowFile('t', 'hotjar-main')['source'] as Json;
    const stored = await api.call('POST', '/api/test', {
      body: { source, limit: 3 },
      token: api.tokenOf('editor'),
    });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ status: 'succeeded', error: null });
    expect((stored.body as { samples: unknown[] }).samples).toHaveLength(3);
    expect(Object.keys((stored.body as { schema: Json }).schema)).toContain('id');
    expect((stored.body as { requests: unknown[] }).requests.length).toBeGreaterThan(0);

    const inline = {
      ...source,
      credential: {
        type: 'hotjar',
        client_id: api.emulator.clientId,
        client_secret: api.emulator.clientSecret,
      },
    };
    const direct = await api.call('POST', '/api/test', { body: { source: inline } });
    expect(direct.body).toMatchObject({ status: 'succeeded' });

    const invalid = await api.call('POST', '/api/test', { body: { source: { type: 'hotjar' } } });
    expect(invalid.status).toBe(422);

    const templates = await api.call('GET', '/api/templates', { token: api.tokenOf('viewer') });
    const names = (templates.body as { items: Json[] }).items.map((t) => t['name']);
    expect(names).toContain('survey_responses');
  });

  it('refuses to delete a credential while a flow uses it, naming the flow', async () => {
    const refused = await api.call('DELETE', `/api/credentials/${credentialId}`);
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('responses');

    const detail = await api.call('GET', `/api/credentials/${credentialId}`);
    expect((detail.body as Json)['flows']).toEqual([{ id: flowId, name: 'responses' }]);
  });

  it('pauses and activates a flow with an empty body, and a paused flow still runs on demand', async () => {
    const paused = await api.call('POST', `/api/flows/${flowId}/pause`, { raw: '' });
    expect(paused.body).toMatchObject({ status: 'paused' });

    const run = await api.call('POST', `/api/flows/${flowId}/run`);
    expect(run.status).toBe(202);
    expect(await api.finishedRun((run.body as Json)['run_id'] as string)).toMatchObject({
      status: 'succeeded',
    });

    const active = await api.call('POST', `/api/flows/${flowId}/activate`);
    expect(active.body).toMatchObject({ status: 'active' });
  });

  it('answers 422 with every {code, path, message} for an invalid flow file', async () => {
    const flow: Json = { ...api.flowFile('bad', 'hotjar-main'), colour: 'blue' };
    (flow['destination'] as Json)['write'] = 'sometimes';
    const answer = await api.call('POST', '/api/flows', { body: flow });
    expect(answer.status).toBe(422);
    const error = (answer.body as { error: { code: string; details: { issues: Json[] } } }).error;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'UNKNOWN_KEY', path: 'colour' }),
        expect.objectContaining({ path: 'destination.write' }),
      ]),
    );

    const unknown = await api.call('POST', '/api/flows', {
      body: api.flowFile('x', 'no-such-credential'),
    });
    expect(
      (unknown.body as { error: { details: { issues: Json[] } } }).error.details.issues[0],
    ).toMatchObject({
      code: 'CREDENTIAL_UNKNOWN',
      path: 'source.credential',
    });

    const inline = api.flowFile('y', 'z');
    (inline['source'] as Json)['credential'] = { type: 'bearer', token: 'inline-token-value' };
    const refused = await api.call('POST', '/api/flows', { body: inline });
    expect(refused.status).toBe(422);
    expect(refused.text).not.toContain('inline-token-value');
  });

  it('confines destination paths to the files root', async () => {
    const inside = join(api.filesRoot, 'nested', 'ok.db');
    mkdirSync(join(api.filesRoot, 'escape-dir'), { recursive: true });
    symlinkSync('/tmp', join(api.filesRoot, 'escape-dir', 'link'));

    for (const [path, status] of [
      ['../outside.db', 422],
      ['/etc/hotjar.db', 422],
      ['nested/../../outside.db', 422],
      ['escape-dir/link/x.db', 422],
      [inside, 201],
      ['nested/../fine.db', 201],
    ] as const) {
      const name = `paths-${Math.random().toString(36).slice(2, 8)}`;
      const answer = await api.call('POST', '/api/flows', {
        body: api.flowFile(name, credentialId, path),
      });
      expect([path, answer.status]).toEqual([path, status]);
      if (status === 422) {
        expect(
          (answer.body as { error: { details: { issues: Json[] } } }).error.details.issues[0],
        ).toMatchObject({
          code: 'PATH_OUTSIDE_FILES_ROOT',
          path: 'destination.path',
        });
      } else {
        await api.call('DELETE', `/api/flows/${(answer.body as Json)['id'] as string}`);
      }
    }
  });

  it('answers 401, 403, 404 and 409 in the error shape', async () => {
    const none = await api.call('GET', '/api/flows', { token: null });
    expectErrorShape(none, 401);
    const wrong = await api.call('GET', '/api/flows', { token: 'hjf_not-a-token' });
    expect(wrong.status).toBe(401);

    const viewer = await api.call('POST', '/api/flows', {
      token: api.tokenOf('viewer'),
      body: api.flowFile('v', 'hotjar-main'),
    });
    expectErrorShape(viewer, 403);

    const missing = await api.call('GET', '/api/flows/no-such-flow');
    expectErrorShape(missing, 404);
    const route = await api.call('GET', '/api/nothing-here');
    expectErrorShape(route, 404);

    const duplicate = await api.call('POST', '/api/flows', {
      body: api.flowFile('responses', 'hotjar-main'),
    });
    expectErrorShape(duplicate, 409);

    const garbage = await api.call('POST', '/api/flows', { raw: '{not json' });
    expectErrorShape(garbage, 400);
  });

  it('signs a user in with a HttpOnly SameSite=Strict cookie and demands the CSRF token on changes', async () => {
    const login = await api.call('POST', '/api/session', {
      token: null,
      body: { username: 'editor-user', password: api.passwords.get('editor') },
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = cookie.split(';')[0] ?? '';
    const csrf = (login.body as Json)['csrf_token'] as string;

    const read = await api.call('GET', '/api/flows', { token: null, headers: { cookie: session } });
    expect(read.status).toBe(200);

    const body = { body: api.flowFile('by-cookie', 'hotjar-main') };
    const noCsrf = await api.call('POST', '/api/flows', {
      token: null,
      headers: { cookie: session },
      ...body,
    });
    expect(noCsrf.status).toBe(403);
    const withCsrf = await api.call('POST', '/api/flows', {
      token: null,
      headers: { cookie: session, 'x-csrf-token': csrf },
      ...body,
    });
    expect(withCsrf.status).toBe(201);
  });

  it('limits sign-in attempts per address', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const answer = await api.call('POST', '/api/session', {
        token: null,
        body: { username: 'admin-user', password: 'wrong-password' },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
  });

  it('keeps flows, runs and sync state across a restart', async () => {
    const before = await api.call('GET', `/api/flows/${flowId}/runs`);
    const runsBefore = (before.body as { items: Json[] }).items.length;

    await api.stop();
    await api.open();

    const flow = await api.call('GET', `/api/flows/${flowId}`);
    expect(flow.body).toMatchObject({ id: flowId, name: 'responses' });
    const after = await api.call('GET', `/api/flows/${flowId}/runs`);
    expect((after.body as { items: Json[] }).items).toHaveLength(runsBefore);

    const run = await api.call('POST', `/api/flows/${flowId}/run`);
    const finished = await api.finishedRun((run.body as Json)['run_id'] as string);
    expect(finished['status']).toBe('succeeded');
    // The bookmark survived: the incremental pass stops at it instead of reading everything again.
    const total = 240 + 400;
    expect((finished['counts'] as Json)['records_read']).toBeLessThan(total);
    const db = new Database(join(api.filesRoot, 'hotjar.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM survey_responses').get()).toEqual({ n: total });
    } finally {
      db.close();
    }
  });

  it('serves an OpenAPI document listing every route', async () => {
    const answer = await api.call('GET', '/api/openapi.json', { token: null });
    const document = answer.body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    for (const route of api.server.routes) {
      expect(
        document.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
  });

  it('never answers with a secret it was given', () => {
    expect(api.answers.length).toBeGreaterThan(30);
    expect(api.leaks()).toEqual([]);
  });
});
