import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Logger } from '../log/logger.js';
import { ManualTimerClock } from '../scheduler/test-support/manual-timer-clock.js';
import { systemTimerClock } from '../scheduler/timer-clock.js';
import type { FlowRecord, RunRecord, Store } from '../store/store.js';
import { storeBackends, type StoreTarget } from '../store/test-support/store-backends.js';
import { Notifier, type NotifierOptions } from './notifier.js';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver.js';
import { DELIVERY_HEADER, EVENT_HEADER } from './webhook-sender.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from './webhook-signature.js';
import type { WebhookTarget } from './webhook-targets.js';

const { backends, skipped } = storeBackends();

const HOOK_SECRET = 'hook-secret-0123456789abcdef';
const CLIENT_SECRET = 'client-secret-never-shown-42';
const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 };

function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = {
    write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  };
  return { logger: pino({ level: 'info' }, stream), lines };
}

if (skipped !== null) {
  describe('the notifier on the postgres store', () => {
    it.skip(skipped, () => undefined);
  });
}

describe.each(backends)('the notifier on the $name store', (backend) => {
  let target: StoreTarget;
  let store: Store;
  let receiver: WebhookReceiver;
  let notifiers: Notifier[];
  let storeNow: Date;

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());

  beforeEach(async () => {
    storeNow = new Date('2025-03-01T10:00:00.000Z');
    target = await backend.fresh();
    store = await target.open({ now: () => storeNow });
    receiver = await startWebhookReceiver();
    notifiers = [];
  });

  afterEach(async () => {
    receiver.release();
    await Promise.all(notifiers.map((notifier) => notifier.stop()));
    await receiver.close();
    await target.closeAll();
  });

  function notifier(options: Partial<NotifierOptions> & { hooks?: Partial<WebhookTarget>[] } = {}) {
    const hooks = options.hooks ?? [{ secret: HOOK_SECRET }];
    const webhooks = hooks.map((hook) => ({ url: receiver.url, format: 'json' as const, ...hook }));
    const created = new Notifier({ store, webhooks, retry: FAST_RETRY, ...options });
    notifiers.push(created);
    return created;
  }

  async function flowWithRuns(name = 'survey-responses') {
    const flow = await store.createFlow({ name, definition: { version: 1, name } });
    const finish = async (status: 'succeeded' | 'failed'): Promise<RunRecord> => {
      const run = await store.createRun({ flow_id: flow.id, trigger: 'schedule' });
      storeNow = new Date(storeNow.getTime() + 60_000);
      const error =
        status === 'failed'
          ? {
              code: 'AUTH_FAILED',
              message: `token refused: client_secret=${CLIENT_SECRET} was rejected`,
            }
          : null;
      return store.updateRun(run.id, { status, error, finished_at: storeNow.toISOString() });
    };
    return { flow, finish };
  }

  const bodies = () => receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);

  it('stores a failed run once and posts it with a signature that verifies', async () => {
    const notify = notifier();
    const { flow, finish } = await flowWithRuns();
    const run = await finish('failed');

    const first = await notify.runFinished(flow, run);
    const again = await notify.runFinished(flow, run);
    await notify.drain();

    expect(first?.kind).toBe('run_failed');
    expect(again).toBeNull();
    expect((await store.listNotifications()).items).toHaveLength(1);
    expect(receiver.requests).toHaveLength(1);

    const [request] = receiver.requests;
    if (request === undefined) throw new Error('no request');
    expect(request.headers[EVENT_HEADER]).toBe('run_failed');
    const check = {
      secret: HOOK_SECRET,
      timestamp: String(request.headers[TIMESTAMP_HEADER]),
      signature: String(request.headers[SIGNATURE_HEADER]),
      now: new Date(),
    };
    expect(check.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ ...check, body: request.body })).toBe(true);
    expect(
      verifyWebhookSignature({ ...check, body: request.body.replace('failed', 'fai1ed') }),
    ).toBe(false);
    expect(
      verifyWebhookSignature({ ...check, body: request.body, secret: 'another-secret-value' }),
    ).toBe(false);

    expect(JSON.parse(request.body)).toMatchObject({
      event: 'run_failed',
      id: first?.id,
      at: first?.created_at,
      message: `Flow "survey-responses" failed: AUTH_FAILED: token refused: client_secret=*** was rejected`,
      flow: { id: flow.id, name: 'survey-responses' },
      run: { id: run.id, status: 'failed', error: { code: 'AUTH_FAILED' } },
    });
  });

  it('retries a delivery after a 500 and a 503, with the same delivery id and fresh signatures', async () => {
    receiver.script([500, 503]);
    const notify = notifier();
    const { flow, finish } = await flowWithRuns();

    await notify.runFinished(flow, await finish('failed'));
    await notify.drain();

    expect(receiver.requests).toHaveLength(3);
    const ids = new Set(receiver.requests.map((r) => r.headers[DELIVERY_HEADER]));
    expect(ids.size).toBe(1);
    for (const request of receiver.requests) {
      const valid = verifyWebhookSignature({
        secret: HOOK_SECRET,
        body: request.body,
        timestamp: String(request.headers[TIMESTAMP_HEADER]),
        signature: String(request.headers[SIGNATURE_HEADER]),
        now: new Date(),
      });
      expect(valid).toBe(true);
    }
  });

  it('gives up after the attempts are used and logs it, and never retries a 400', async () => {
    const { logger, lines } = capturingLogger();
    receiver.script([500, 500, 500, 500, 400]);
    const notify = notifier({ logger });
    const { flow, finish } = await flowWithRuns();

    await notify.runFinished(flow, await finish('failed'));
    await notify.drain();
    expect(receiver.requests).toHaveLength(3);

    receiver.script([400]);
    await notify.runFinished(flow, await finish('failed'));
    await notify.drain();
    expect(receiver.requests).toHaveLength(4);

    const givenUp = lines.filter((line) => line['msg'] === 'webhook delivery given up');
    expect(givenUp.map((line) => line['reason'])).toEqual([
      'status 500, attempts used up',
      'status 400',
    ]);
    expect(lines.filter((line) => line['msg'] === 'webhook delivery retried')).toHaveLength(2);
  });

  it('retries network failures and logs only the webhook origin', async () => {
    const { logger, lines } = capturingLogger();
    const closed = await startWebhookReceiver();
    await closed.close();
    const notify = notifier({ logger, hooks: [{ url: `${closed.url}/T000/B000/token-in-path` }] });
    const { flow, finish } = await flowWithRuns();

    await notify.runFinished(flow, await finish('failed'));
    await notify.drain();

    const delivery = lines.filter((line) => String(line['msg']).startsWith('webhook delivery'));
    expect(delivery.map((line) => line['reason'])).toEqual([
      'network error',
      'network error',
      'network error, attempts used up',
    ]);
    expect(JSON.stringify(lines)).not.toContain('token-in-path');
    expect(delivery[0]?.['webhook']).toBe(new URL(closed.url).origin);
  });

  it('does not make the caller wait for the webhook', async () => {
    receiver.hold();
    const notify = notifier();
    const { flow, finish } = await flowWithRuns();

    const record = await notify.runFinished(flow, await finish('failed'));
    expect(record?.kind).toBe('run_failed');
    await expect.poll(() => receiver.requests.length).toBe(1);

    receiver.release();
    await notify.drain();
  });

  it('posts Slack-compatible text when the webhook asks for the slack format', async () => {
    const notify = notifier({ hooks: [{ format: 'slack' }] });
    const { flow, finish } = await flowWithRuns();

    await notify.runFinished(flow, await finish('failed'));
    await notify.drain();

    expect(bodies()).toEqual([
      {
        text: 'hotjar-flow: Flow "survey-responses" failed: AUTH_FAILED: token refused: client_secret=*** was rejected',
      },
    ]);
    expect(receiver.requests[0]?.headers[SIGNATURE_HEADER]).toBeUndefined();
  });

  it('reports a recovery only for a success that follows a failure of the same flow', async () => {
    const notify = notifier();
    const { flow, finish } = await flowWithRuns();
    const other = await flowWithRuns('other-flow');

    expect(await notify.runFinished(flow, await finish('succeeded'))).toBeNull();
    expect((await notify.runFinished(flow, await finish('failed')))?.kind).toBe('run_failed');
    expect(await notify.runFinished(other.flow, await other.finish('succeeded'))).toBeNull();
    const recovered = await notify.runFinished(flow, await finish('succeeded'));
    expect(await notify.runFinished(flow, await finish('succeeded'))).toBeNull();
    await notify.drain();

    expect(recovered).toMatchObject({ kind: 'run_recovered', subject: { flow_id: flow.id } });
    expect(recovered?.message).toBe('Flow "survey-responses" succeeded again after a failed run');
    const kinds = (await store.listNotifications()).items.map((n) => n.kind);
    expect(kinds.sort()).toEqual(['run_failed', 'run_recovered']);
    expect(bodies().map((b) => b['event'])).toEqual(['run_failed', 'run_recovered']);
  });

  it('stores a failed credential test once, without any secret in the notification or the post', async () => {
    const notify = notifier();
    const credential = await store.createCredential({
      id: 'cred-1',
      name: 'hotjar-main',
      type: 'hotjar',
      encrypted_secret: Buffer.from(CLIENT_SECRET),
      config: { client_id: 'client-id-visible' },
    });
    const failed = {
      status: 'failed' as const,
      message: `invalid_client for Bearer abcdefghijklmnop and client_secret=${CLIENT_SECRET}`,
      tested_at: '2025-03-01T10:00:00.000Z',
    };

    await notify.credentialTestFailed(credential, failed);
    await notify.credentialTestFailed(credential, failed);
    await notify.credentialTestFailed(credential, { ...failed, status: 'verified' });
    await notify.drain();

    const stored = (await store.listNotifications()).items;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'credential_test_failed',
      subject: { credential_id: 'cred-1' },
    });
    expect(receiver.requests).toHaveLength(1);
    for (const text of [JSON.stringify(stored), receiver.requests[0]?.body ?? '']) {
      expect(text).toContain('hotjar-main');
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain('abcdefghijklmnop');
      expect(text).not.toContain(HOOK_SECRET);
    }

    await notify.credentialTestFailed(credential, {
      ...failed,
      tested_at: '2025-03-02T10:00:00.000Z',
    });
    expect((await store.listNotifications()).items).toHaveLength(2);
  });

  it('warns about a Hotjar key 30 and 7 days before its expiry, each exactly once', async () => {
    const notify = notifier();
    await store.createCredential({
      id: 'cred-key',
      name: 'hotjar-main',
      type: 'hotjar',
      encrypted_secret: Buffer.from('x'),
      key_created_on: '2025-01-01',
    });
    await store.createCredential({
      id: 'cred-plain',
      name: 'bearer',
      type: 'bearer',
      encrypted_secret: Buffer.from('y'),
    });
    const check = async (at: string) =>
      (await notify.checkKeyExpiry(new Date(at))).map((n) => n.message);

    expect(await check('2025-12-01T23:59:59.999Z')).toEqual([]);
    expect(await check('2025-12-02T00:00:00.000Z')).toEqual([
      'The Hotjar API key of credential "hotjar-main" expires in 30 days, on 2026-01-01; create a new key and rotate it',
    ]);
    expect(await check('2025-12-02T06:00:00.000Z')).toEqual([]);
    expect(await check('2025-12-24T23:59:59.999Z')).toEqual([]);
    expect(await check('2025-12-25T00:00:00.000Z')).toEqual([
      'The Hotjar API key of credential "hotjar-main" expires in 7 days, on 2026-01-01; create a new key and rotate it',
    ]);
    expect(await check('2025-12-31T00:00:00.000Z')).toEqual([]);
    expect(await check('2026-01-05T00:00:00.000Z')).toEqual([]);
    await notify.drain();

    const stored = (await store.listNotifications()).items;
    expect(stored.map((n) => n.kind)).toEqual(['key_expiring', 'key_expiring']);
    expect(bodies().map((b) => b['details'])).toEqual([
      { expires_at: '2026-01-01T00:00:00.000Z', days_left: 30 },
      { expires_at: '2026-01-01T00:00:00.000Z', days_left: 7 },
    ]);
  });

  it('gives one warning for a key first seen within 7 days, and starts afresh after a rotation', async () => {
    const notify = notifier();
    await store.createCredential({
      id: 'cred-key',
      name: 'hotjar-main',
      type: 'hotjar',
      encrypted_secret: Buffer.from('x'),
      key_created_on: '2025-01-01',
    });

    expect(await notify.checkKeyExpiry(new Date('2025-12-28T12:00:00Z'))).toHaveLength(1);
    expect(await notify.checkKeyExpiry(new Date('2025-12-29T12:00:00Z'))).toHaveLength(0);

    await store.updateCredential('cred-key', { key_created_on: '2025-12-28' });
    expect(await notify.checkKeyExpiry(new Date('2025-12-29T12:00:00Z'))).toHaveLength(0);
    expect(await notify.checkKeyExpiry(new Date('2026-11-28T00:00:00Z'))).toHaveLength(1);
  });

  it('checks key expiry on start and on its interval', async () => {
    const clock = new ManualTimerClock('2025-12-01T00:00:00.000Z');
    const notify = notifier({ clock, keyCheckIntervalMs: 3_600_000 });
    await store.createCredential({
      id: 'cred-key',
      name: 'hotjar-main',
      type: 'hotjar',
      encrypted_secret: Buffer.from('x'),
      key_created_on: '2025-01-01',
    });

    notify.start();
    await clock.advanceBy(0, () => notify.drain());
    expect((await store.listNotifications()).items).toHaveLength(0);

    await clock.advanceTo('2025-12-02T00:30:00.000Z', () => notify.drain());
    expect((await store.listNotifications()).items).toHaveLength(1);

    await notify.stop();
    await clock.advanceTo('2025-12-30T00:00:00.000Z', () => notify.drain());
    expect((await store.listNotifications()).items).toHaveLength(1);
  });

  it('reports a schema change once, naming the fields, and nothing for an equal schema', async () => {
    const notify = notifier({ clock: systemTimerClock() });
    const flow: FlowRecord = await store.createFlow({ name: 'responses', definition: {} });
    const before = {
      id: { type: 'integer' },
      email: { type: 'string' },
      score: { type: 'integer' },
    };
    const after = {
      id: { type: 'integer' },
      score: { type: 'number' },
      country: { type: 'string' },
    };

    expect(await notify.schemaChanged(flow, before, before)).toBeNull();
    const record = await notify.schemaChanged(flow, before, after);
    expect(await notify.schemaChanged(flow, before, after)).toBeNull();
    await notify.drain();

    expect(record?.message).toBe(
      'The schema of flow "responses" changed: added country; removed email; changed type of score',
    );
    expect((await store.listNotifications()).items).toHaveLength(1);
    expect(bodies()[0]).toMatchObject({
      event: 'schema_changed',
      flow: { id: flow.id, name: 'responses' },
      details: { added: ['country'], removed: ['email'], changed: ['score'] },
    });
  });

  it('logs a store failure instead of throwing at the caller', async () => {
    const { logger, lines } = capturingLogger();
    const notify = notifier({ logger });
    const { flow, finish } = await flowWithRuns();
    const run = await finish('failed');
    await target.closeAll();

    expect(await notify.runFinished(flow, run)).toBeNull();
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'notification failed' }),
    );
    store = await target.open({ now: () => storeNow });
  });
});
