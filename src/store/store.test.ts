import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Store } from './store.js';
import type { NewRunLogLine } from './store-records.js';
import { storeBackends, type StoreTarget } from './test-support/store-backends.js';

const { backends, skipped } = storeBackends();

/** A clock the tests move by hand, so timestamps are exact. */
function manualClock(start: string) {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
    iso: () => new Date(now).toISOString(),
  };
}

const T0 = '2025-03-01T10:00:00.000Z';

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

function secret(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

if (skipped !== null) {
  describe('the postgres store', () => {
    it.skip(skipped, () => undefined);
  });
}

describe.each(backends)('the $name store', (backend) => {
  let target: StoreTarget;
  let store: Store;
  let clock: ReturnType<typeof manualClock>;

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());

  beforeEach(async () => {
    clock = manualClock(T0);
    target = await backend.fresh();
    store = await target.open({ now: clock.now });
  });

  afterEach(() => target.closeAll());

  async function credential(name: string, id = `cred-${name}`) {
    return store.createCredential({
      id,
      name,
      type: 'hotjar',
      encrypted_secret: secret(`blob-${name}`),
      config: { client_id: `id-${name}` },
    });
  }

  async function flow(name: string, credentialIds: string[] = []) {
    return store.createFlow({
      name,
      definition: { version: 1, name },
      credential_ids: credentialIds,
    });
  }

  describe('credentials', () => {
    it('keeps every field of a created credential and finds it by id and by name', async () => {
      const created = await store.createCredential({
        id: 'c-1',
        name: 'hotjar-main',
        type: 'hotjar',
        description: 'production key',
        encrypted_secret: Buffer.from([0, 1, 2, 255]),
        config: { client_id: 'abc', nested: { a: [1, 2] } },
        key_created_on: '2024-06-30',
      });

      expect(created).toEqual({
        id: 'c-1',
        name: 'hotjar-main',
        type: 'hotjar',
        description: 'production key',
        encrypted_secret: Buffer.from([0, 1, 2, 255]),
        config: { client_id: 'abc', nested: { a: [1, 2] } },
        key_created_on: '2024-06-30',
        last_test: null,
        created_at: T0,
        updated_at: T0,
      });
      expect(await store.getCredential('c-1')).toEqual(created);
      expect(await store.getCredentialByName('hotjar-main')).toEqual(created);
    });

    it('refuses a second credential with the same name as a CONFLICT', async () => {
      await credential('same', 'c-a');
      const error = await rejection(credential('same', 'c-b'));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain('"same"');
    });

    it('answers NOT_FOUND for an unknown id or name', async () => {
      expect((await rejection(store.getCredential('nope'))).code).toBe('NOT_FOUND');
      expect((await rejection(store.getCredentialByName('nope'))).code).toBe('NOT_FOUND');
      expect((await rejection(store.updateCredential('nope', { name: 'x' }))).code).toBe(
        'NOT_FOUND',
      );
      expect((await rejection(store.deleteCredential('nope'))).code).toBe('NOT_FOUND');
    });

    it('rotates the secret and bumps updated_at, leaving the rest', async () => {
      const created = await credential('rotating');
      clock.advance(60_000);

      const rotated = await store.updateCredential(created.id, {
        encrypted_secret: secret('new blob'),
        key_created_on: '2025-03-01',
      });

      expect(rotated.encrypted_secret).toEqual(secret('new blob'));
      expect(rotated.key_created_on).toBe('2025-03-01');
      expect(rotated.config).toEqual(created.config);
      expect(rotated.created_at).toBe(T0);
      expect(rotated.updated_at).toBe(clock.iso());
    });

    it('refuses a rename onto a taken name as a CONFLICT', async () => {
      await credential('first');
      const second = await credential('second');
      expect((await rejection(store.updateCredential(second.id, { name: 'first' }))).code).toBe(
        'CONFLICT',
      );
      expect((await store.getCredential(second.id)).name).toBe('second');
    });

    it('records a test result without counting it as an edit', async () => {
      const created = await credential('tested');
      clock.advance(1_000);
      const result = {
        status: 'failed' as const,
        message: 'invalid_client',
        tested_at: clock.iso(),
      };

      const tested = await store.recordCredentialTest(created.id, result);

      expect(tested.last_test).toEqual(result);
      expect(tested.updated_at).toBe(T0);
    });

    it('lists by name, page by page, until next_cursor is null', async () => {
      for (const name of ['delta', 'alpha', 'Echo', 'charlie', 'bravo']) await credential(name);

      const first = await store.listCredentials({ limit: 2 });
      const second = await store.listCredentials({ limit: 2, cursor: first.next_cursor });
      const third = await store.listCredentials({ limit: 2, cursor: second.next_cursor });

      const names = [first, second, third].flatMap((page) => page.items.map((c) => c.name));
      expect(names).toEqual(['Echo', 'alpha', 'bravo', 'charlie', 'delta']);
      expect(first.next_cursor).not.toBeNull();
      expect(third.next_cursor).toBeNull();
    });

    it('refuses a cursor that is garbage or belongs to another list as INVALID_CURSOR', async () => {
      await flow('a');
      await flow('b');
      const flows = await store.listFlows({ limit: 1 });

      expect((await rejection(store.listCredentials({ cursor: 'not-a-cursor' }))).code).toBe(
        'INVALID_CURSOR',
      );
      expect((await rejection(store.listCredentials({ cursor: flows.next_cursor }))).code).toBe(
        'INVALID_CURSOR',
      );
    });

    it('refuses to delete a credential while a flow uses it, naming the flows', async () => {
      const used = await credential('used');
      const user = await flow('uses-it', [used.id]);

      const error = await rejection(store.deleteCredential(used.id));
      expect(error.code).toBe('CONFLICT');
      expect(error.details?.['flows']).toEqual(['uses-it']);

      await store.updateFlow(user.id, { credential_ids: [] });
      await store.deleteCredential(used.id);
      expect((await rejection(store.getCredential(used.id))).code).toBe('NOT_FOUND');
    });
  });

  describe('flows', () => {
    it('creates a flow with its credential references and finds the flows using a credential', async () => {
      const a = await credential('a');
      const b = await credential('b');
      await flow('one', [a.id]);
      await flow('two', [a.id, b.id, a.id]);
      await flow('three');

      const created = await store.getFlowByName('two');
      expect(created.credential_ids).toEqual([a.id, b.id].sort());
      expect(created.status).toBe('active');
      expect((await store.flowsUsingCredential(a.id)).map((f) => f.name)).toEqual(['one', 'two']);
      expect((await store.flowsUsingCredential(b.id)).map((f) => f.name)).toEqual(['two']);
    });

    it('keeps the definition exactly, including the order of its keys', async () => {
      const definition = { version: 1, name: 'ordered', source: { z: 1, a: [{ y: 2, b: 3 }] } };
      const created = await store.createFlow({
        name: 'ordered',
        definition,
        schedule: '0 * * * *',
      });

      const read = await store.getFlow(created.id);
      expect(read.definition).toEqual(definition);
      expect(JSON.stringify(read.definition)).toBe(JSON.stringify(definition));
      expect(read.schedule).toBe('0 * * * *');
    });

    it('refuses an unknown credential reference as NOT_FOUND and a taken name as CONFLICT', async () => {
      const error = await rejection(flow('dangling', ['missing-credential']));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('missing-credential');
      expect((await rejection(store.getFlowByName('dangling'))).code).toBe('NOT_FOUND');

      await flow('taken');
      expect((await rejection(flow('taken'))).code).toBe('CONFLICT');
    });

    it('updates status, schedule and references, and bumps updated_at', async () => {
      const a = await credential('a');
      const created = await flow('editable', [a.id]);
      clock.advance(5_000);

      const updated = await store.updateFlow(created.id, {
        status: 'paused',
        schedule: '*/5 * * * *',
        credential_ids: [],
        definition: { version: 1, name: 'editable', changed: true },
      });

      expect(updated.status).toBe('paused');
      expect(updated.schedule).toBe('*/5 * * * *');
      expect(updated.credential_ids).toEqual([]);
      expect(updated.definition['changed']).toBe(true);
      expect(updated.updated_at).toBe(clock.iso());
      expect(await store.flowsUsingCredential(a.id)).toEqual([]);
    });

    it('carries the sync state over when a flow is renamed', async () => {
      const created = await flow('old-name');
      await store.writeSyncState('old-name', new Map([['', { cursor: 'c1' }]]));

      await store.updateFlow(created.id, { name: 'new-name' });

      expect(await store.readSyncState('old-name')).toEqual(new Map());
      expect(await store.readSyncState('new-name')).toEqual(new Map([['', { cursor: 'c1' }]]));
    });

    it('lists flows by name with pagination', async () => {
      for (const name of ['f3', 'f1', 'f2']) await flow(name);
      const first = await store.listFlows({ limit: 2 });
      const second = await store.listFlows({ limit: 2, cursor: first.next_cursor });
      expect(first.items.map((f) => f.name)).toEqual(['f1', 'f2']);
      expect(second.items.map((f) => f.name)).toEqual(['f3']);
      expect(second.next_cursor).toBeNull();
    });

    it('deletes a flow with its runs, their logs and its sync state', async () => {
      const created = await flow('doomed');
      const run = await store.createRun({ flow_id: created.id, trigger: 'manual' });
      await store.updateRun(run.id, { status: 'succeeded' });
      await store.appendRunLogs(run.id, [{ level: 'info', time: T0, message: 'hello' }]);
      await store.writeSyncState('doomed', new Map([['p', 1]]));

      await store.deleteFlow(created.id);

      expect((await rejection(store.getFlow(created.id))).code).toBe('NOT_FOUND');
      expect((await rejection(store.getRun(run.id))).code).toBe('NOT_FOUND');
      expect((await rejection(store.listRunLogs(run.id))).code).toBe('NOT_FOUND');
      expect(await store.readSyncState('doomed')).toEqual(new Map());
    });

    it('refuses to delete a flow while one of its runs is queued', async () => {
      const created = await flow('busy');
      await store.createRun({ flow_id: created.id, trigger: 'schedule' });
      expect((await rejection(store.deleteFlow(created.id))).code).toBe('CONFLICT');
      expect((await store.getFlow(created.id)).name).toBe('busy');
    });
  });

  describe('runs', () => {
    it('creates a queued run with zero counts and finishes it with counts, warnings and error', async () => {
      const f = await flow('runs');
      const run = await store.createRun({ flow_id: f.id, trigger: 'api' });

      expect(run).toMatchObject({
        flow_id: f.id,
        status: 'queued',
        trigger: 'api',
        created_at: T0,
        started_at: null,
        finished_at: null,
        duration_ms: null,
        warnings: [],
        error: null,
        log_lines: 0,
        log_lines_dropped: 0,
      });
      expect(Object.values(run.counts)).toEqual([0, 0, 0, 0, 0, 0, 0]);

      const counts = { ...run.counts, requests: 3, pages: 2, records_read: 200, bytes: 12_345 };
      const finished = await store.updateRun(run.id, {
        status: 'failed',
        finished_at: '2025-03-01T10:00:05.000Z',
        duration_ms: 5_000,
        counts,
        warnings: ['max_pages reached'],
        error: { code: 'AUTH_FAILED', message: 'invalid_client' },
      });

      expect(finished).toMatchObject({ status: 'failed', duration_ms: 5_000, counts });
      expect(finished.warnings).toEqual(['max_pages reached']);
      expect(finished.error).toEqual({ code: 'AUTH_FAILED', message: 'invalid_client' });
      expect(await store.getRun(run.id)).toEqual(finished);
      expect((await store.updateRun(run.id, { error: null })).error).toBeNull();
    });

    it('refuses a run of an unknown flow as NOT_FOUND', async () => {
      expect((await rejection(store.createRun({ flow_id: 'x', trigger: 'manual' }))).code).toBe(
        'NOT_FOUND',
      );
      expect((await rejection(store.getRun('x'))).code).toBe('NOT_FOUND');
    });

    it('lists a flow runs newest first, page by page', async () => {
      const f = await flow('history');
      const other = await flow('other');
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const run = await store.createRun({ flow_id: f.id, trigger: 'schedule' });
        await store.updateRun(run.id, { status: 'succeeded' });
        ids.push(run.id);
      }
      await store.createRun({ flow_id: other.id, trigger: 'manual' });

      const first = await store.listRunsByFlow(f.id, { limit: 2 });
      const second = await store.listRunsByFlow(f.id, { limit: 2, cursor: first.next_cursor });
      const third = await store.listRunsByFlow(f.id, { limit: 2, cursor: second.next_cursor });

      const listed = [first, second, third].flatMap((page) => page.items.map((run) => run.id));
      expect(listed).toEqual([...ids].reverse());
      expect(third.next_cursor).toBeNull();
    });

    it('allows one running run per flow: a second is a CONFLICT', async () => {
      const f = await flow('single');
      const running = await store.createRun({
        flow_id: f.id,
        trigger: 'manual',
        status: 'running',
      });
      expect(running.started_at).toBe(T0);

      const error = await rejection(
        store.createRun({ flow_id: f.id, trigger: 'manual', status: 'running' }),
      );
      expect(error.code).toBe('CONFLICT');

      const queued = await store.createRun({ flow_id: f.id, trigger: 'manual' });
      expect((await rejection(store.updateRun(queued.id, { status: 'running' }))).code).toBe(
        'CONFLICT',
      );
    });

    it('claims the oldest queued run, skipping flows that are already running', async () => {
      const busy = await flow('busy');
      const idle = await flow('idle');
      const first = await store.createRun({ flow_id: busy.id, trigger: 'schedule' });
      const second = await store.createRun({ flow_id: busy.id, trigger: 'schedule' });
      const third = await store.createRun({ flow_id: idle.id, trigger: 'schedule' });
      clock.advance(1_000);

      const a = await store.claimNextQueued('worker-a');
      expect(a).toMatchObject({
        id: first.id,
        status: 'running',
        claimed_by: 'worker-a',
        started_at: clock.iso(),
      });
      expect((await store.claimNextQueued('worker-b'))?.id).toBe(third.id);
      expect(await store.claimNextQueued('worker-c')).toBeNull();

      await store.updateRun(first.id, { status: 'succeeded' });
      expect((await store.claimNextQueued('worker-c'))?.id).toBe(second.id);
    });

    it('never gives the same run to two concurrent claimers', async () => {
      const other = await target.open();
      const runIds = new Set<string>();
      for (let i = 0; i < 24; i += 1) {
        const f = await flow(`parallel-${i}`);
        runIds.add((await store.createRun({ flow_id: f.id, trigger: 'schedule' })).id);
      }

      const drain = async (claimer: Store, worker: string) => {
        const claimed: string[] = [];
        for (
          let run = await claimer.claimNextQueued(worker);
          run !== null;
          run = await claimer.claimNextQueued(worker)
        ) {
          claimed.push(run.id);
        }
        return claimed;
      };
      const results = await Promise.all(
        [store, other, store, other, other, store].map((claimer, i) => drain(claimer, `w${i}`)),
      );
      const leftovers = await drain(store, 'sweeper');

      const claimed = [...results.flat(), ...leftovers];
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(new Set(claimed)).toEqual(runIds);
    });

    it('puts running runs with a stale heartbeat back in the queue', async () => {
      const stale = await flow('stale');
      const fresh = await flow('fresh');
      const dead = await store.createRun({ flow_id: stale.id, trigger: 'schedule' });
      await store.claimNextQueued('dead-worker');
      clock.advance(120_000);
      const alive = await store.createRun({ flow_id: fresh.id, trigger: 'schedule' });
      await store.claimNextQueued('live-worker');

      const requeued = await store.requeueStaleRuns(
        new Date(Date.parse(clock.iso()) - 60_000).toISOString(),
      );

      expect(requeued.map((run) => run.id)).toEqual([dead.id]);
      expect(await store.getRun(dead.id)).toMatchObject({
        status: 'queued',
        claimed_by: null,
        started_at: null,
      });
      expect((await store.getRun(alive.id)).status).toBe('running');
      expect((await store.claimNextQueued('next'))?.id).toBe(dead.id);
    });
  });

  describe('run logs', () => {
    function lines(count: number, from = 1): NewRunLogLine[] {
      return Array.from({ length: count }, (_, i) => ({
        level: 'info' as const,
        time: T0,
        message: `line ${from + i}`,
        fields: { n: from + i },
      }));
    }

    it('reads lines back in the order appended, page by page', async () => {
      const f = await flow('logged');
      const run = await store.createRun({ flow_id: f.id, trigger: 'manual' });
      await store.appendRunLogs(run.id, lines(3));
      await store.appendRunLogs(run.id, [{ level: 'warn', time: T0, message: 'careful' }]);

      const first = await store.listRunLogs(run.id, { limit: 3 });
      const second = await store.listRunLogs(run.id, { limit: 3, cursor: first.next_cursor });

      expect(first.items.map((line) => line.message)).toEqual(['line 1', 'line 2', 'line 3']);
      expect(first.items[0]).toEqual({
        seq: 1,
        level: 'info',
        time: T0,
        message: 'line 1',
        fields: { n: 1 },
      });
      expect(second.items).toEqual([
        { seq: 4, level: 'warn', time: T0, message: 'careful', fields: {} },
      ]);
      expect(second.next_cursor).toBeNull();
    });

    it('keeps the first lines up to the cap and counts the dropped ones', async () => {
      const capped = await target.open({ now: clock.now, maxLogLinesPerRun: 10 });
      const f = await flow('chatty');
      const run = await capped.createRun({ flow_id: f.id, trigger: 'manual' });

      expect(await capped.appendRunLogs(run.id, lines(7))).toEqual({ appended: 7, dropped: 0 });
      expect(await capped.appendRunLogs(run.id, lines(7, 8))).toEqual({ appended: 3, dropped: 4 });
      expect(await capped.appendRunLogs(run.id, lines(2, 15))).toEqual({ appended: 0, dropped: 2 });

      const all = await capped.listRunLogs(run.id, { limit: 500 });
      expect(all.items.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(all.items.at(-1)?.message).toBe('line 10');
      expect(await capped.getRun(run.id)).toMatchObject({ log_lines: 10, log_lines_dropped: 6 });
    });

    it('caps a run at 5,000 lines by default', async () => {
      const f = await flow('default-cap');
      const run = await store.createRun({ flow_id: f.id, trigger: 'manual' });

      expect(await store.appendRunLogs(run.id, lines(5_001))).toEqual({
        appended: 5_000,
        dropped: 1,
      });
      const last = await store.listRunLogs(run.id, { limit: 500, cursor: null });
      expect(last.items).toHaveLength(500);
      expect(await store.getRun(run.id)).toMatchObject({ log_lines: 5_000, log_lines_dropped: 1 });
    });

    it('answers NOT_FOUND when appending to an unknown run', async () => {
      expect((await rejection(store.appendRunLogs('ghost', lines(1)))).code).toBe('NOT_FOUND');
    });
  });

  describe('sync state', () => {
    it('writes partitions together, replaces values, and resets one or all', async () => {
      await store.writeSyncState(
        'flow-a',
        new Map<string, unknown>([
          ['survey=1', { cursor: 'a', at: '2025-01-01' }],
          ['survey=2', { cursor: 'b' }],
        ]),
      );
      await store.writeSyncState('flow-b', new Map([['', 42]]));
      await store.writeSyncState('flow-a', new Map([['survey=2', { cursor: 'c' }]]));

      expect(await store.readSyncState('flow-a')).toEqual(
        new Map<string, unknown>([
          ['survey=1', { cursor: 'a', at: '2025-01-01' }],
          ['survey=2', { cursor: 'c' }],
        ]),
      );

      expect(await store.resetSyncState('flow-a', 'survey=1')).toBe(1);
      expect([...(await store.readSyncState('flow-a')).keys()]).toEqual(['survey=2']);
      expect(await store.resetSyncState('flow-a')).toBe(1);
      expect(await store.readSyncState('flow-a')).toEqual(new Map());
      expect(await store.readSyncState('flow-b')).toEqual(new Map([['', 42]]));
    });

    it('writes nothing when one value of the batch cannot be stored', async () => {
      await store.writeSyncState('atomic', new Map([['p1', 'before']]));
      const values = new Map<string, unknown>([
        ['p1', 'after'],
        ['p2', BigInt(1)],
      ]);

      await expect(store.writeSyncState('atomic', values)).rejects.toThrow();
      expect(await store.readSyncState('atomic')).toEqual(new Map([['p1', 'before']]));
    });
  });

  describe('notifications', () => {
    it('lists newest first, filters unread, and marks read once', async () => {
      const failed = await store.createNotification({
        kind: 'run_failed',
        subject: { flow_id: 'f1', run_id: 'r1' },
        message: 'survey-responses failed: AUTH_FAILED',
      });
      clock.advance(1_000);
      const expiring = await store.createNotification({
        kind: 'key_expiring',
        subject: { credential_id: 'c1' },
        message: 'hotjar-main expires in 14 days',
      });

      const all = await store.listNotifications();
      expect(all.items.map((n) => n.id)).toEqual([expiring.id, failed.id]);
      expect(all.items[1]).toEqual({
        id: failed.id,
        kind: 'run_failed',
        subject: { flow_id: 'f1', run_id: 'r1' },
        message: 'survey-responses failed: AUTH_FAILED',
        created_at: T0,
        read_at: null,
      });

      clock.advance(1_000);
      const readAt = clock.iso();
      expect((await store.markNotificationRead(failed.id)).read_at).toBe(readAt);
      clock.advance(1_000);
      expect((await store.markNotificationRead(failed.id)).read_at).toBe(readAt);

      const unread = await store.listNotifications({ unread_only: true });
      expect(unread.items.map((n) => n.id)).toEqual([expiring.id]);
      expect(await store.markAllNotificationsRead()).toBe(1);
      expect((await store.listNotifications({ unread_only: true })).items).toEqual([]);
      expect((await rejection(store.markNotificationRead('nope'))).code).toBe('NOT_FOUND');
    });

    it('pages through notifications', async () => {
      for (let i = 0; i < 5; i += 1) {
        await store.createNotification({ kind: 'schema_changed', message: `change ${i}` });
      }
      const first = await store.listNotifications({ limit: 3 });
      const second = await store.listNotifications({ limit: 3, cursor: first.next_cursor });
      expect([...first.items, ...second.items].map((n) => n.message)).toEqual([
        'change 4',
        'change 3',
        'change 2',
        'change 1',
        'change 0',
      ]);
      expect(second.next_cursor).toBeNull();
    });
  });

  describe('audit', () => {
    it('appends entries and lists them newest first, filtered by entity', async () => {
      const created = await store.appendAudit({
        actor: 'alice',
        action: 'create',
        entity_type: 'credential',
        entity_id: 'c1',
        after: { name: 'main', client_secret: '***' },
      });
      await store.appendAudit({
        actor: 'bob',
        action: 'run',
        entity_type: 'flow',
        entity_id: 'f1',
      });
      const updated = await store.appendAudit({
        actor: 'alice',
        action: 'update',
        entity_type: 'credential',
        entity_id: 'c1',
        before: { name: 'main' },
        after: { name: 'primary' },
      });

      expect(created).toMatchObject({ actor: 'alice', before: null, at: T0 });
      expect(created.after).toEqual({ name: 'main', client_secret: '***' });

      const forCredential = await store.listAudit({ entity_type: 'credential', entity_id: 'c1' });
      expect(forCredential.items.map((e) => e.id)).toEqual([updated.id, created.id]);

      const first = await store.listAudit({ limit: 2 });
      const second = await store.listAudit({ limit: 2, cursor: first.next_cursor });
      expect(first.items.map((e) => e.action)).toEqual(['update', 'run']);
      expect(second.items.map((e) => e.action)).toEqual(['create']);
    });
  });

  describe('users and API tokens', () => {
    it('creates users with unique names and verifies passwords without exposing hashes', async () => {
      const alice = await store.createUser({
        username: 'alice',
        password: 'correct horse',
        role: 'admin',
      });

      expect(alice).toEqual({ id: alice.id, username: 'alice', role: 'admin', created_at: T0 });
      expect(
        (await rejection(store.createUser({ username: 'alice', password: 'x', role: 'viewer' })))
          .code,
      ).toBe('CONFLICT');
      expect(await store.verifyPassword('alice', 'correct horse')).toEqual(alice);
      expect(await store.verifyPassword('alice', 'wrong horse')).toBeNull();
      expect(await store.verifyPassword('nobody', 'correct horse')).toBeNull();

      const stored = await target.raw("SELECT password_hash FROM users WHERE username = 'alice'");
      expect(String(stored[0]?.['password_hash'])).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(String(stored[0]?.['password_hash'])).not.toContain('correct horse');
    });

    it('changes role and password, lists by username, and deletes a user with its tokens', async () => {
      const bob = await store.createUser({ username: 'bob', password: 'one', role: 'viewer' });
      await store.createUser({ username: 'carol', password: 'two', role: 'editor' });
      await store.createUser({ username: 'alice', password: 'three', role: 'admin' });

      const changed = await store.updateUser(bob.id, { role: 'editor', password: 'new' });
      expect(changed.role).toBe('editor');
      expect(await store.verifyPassword('bob', 'one')).toBeNull();
      expect(await store.verifyPassword('bob', 'new')).toEqual(changed);

      const first = await store.listUsers({ limit: 2 });
      const second = await store.listUsers({ limit: 2, cursor: first.next_cursor });
      expect([...first.items, ...second.items].map((u) => u.username)).toEqual([
        'alice',
        'bob',
        'carol',
      ]);

      const { secret: token } = await store.createApiToken({ user_id: bob.id, name: 'ci' });
      await store.deleteUser(bob.id);
      expect((await rejection(store.getUser(bob.id))).code).toBe('NOT_FOUND');
      expect(await store.authenticateApiToken(token)).toBeNull();
    });

    it('stores API tokens as hashes, authenticates them and stamps last use', async () => {
      const user = await store.createUser({ username: 'deployer', password: 'pw', role: 'editor' });
      const { token, secret: presented } = await store.createApiToken({
        user_id: user.id,
        name: 'ci',
      });

      expect(presented).toMatch(/^hjf_[A-Za-z0-9_-]{43}$/);
      expect(token).toEqual({
        id: token.id,
        user_id: user.id,
        name: 'ci',
        created_at: T0,
        last_used_at: null,
      });
      const rows = await target.raw('SELECT token_hash FROM api_tokens');
      expect(rows.map((row) => row['token_hash'])).not.toContain(presented);

      clock.advance(10_000);
      const authenticated = await store.authenticateApiToken(presented);
      expect(authenticated?.user).toEqual(user);
      expect(authenticated?.token.last_used_at).toBe(clock.iso());
      expect(await store.authenticateApiToken(`${presented}x`)).toBeNull();

      expect((await store.listApiTokens(user.id)).map((t) => t.name)).toEqual(['ci']);
      await store.deleteApiToken(token.id);
      expect(await store.authenticateApiToken(presented)).toBeNull();
      expect((await rejection(store.deleteApiToken(token.id))).code).toBe('NOT_FOUND');
      expect((await rejection(store.createApiToken({ user_id: 'ghost', name: 'x' }))).code).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('migrations', () => {
    it('applies each migration once: a reopened store keeps its data', async () => {
      await credential('survivor');
      await store.close();

      const reopened = await target.open();
      expect((await reopened.getCredentialByName('survivor')).id).toBe('cred-survivor');

      const versions = await target.raw('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((row) => Number(row['version']))).toEqual([1]);
    });

    it('lets several processes open a new database at the same time', async () => {
      const stores = await Promise.all([target.open(), target.open(), target.open()]);
      await stores[0]?.createUser({ username: 'u', password: 'p', role: 'viewer' });
      expect((await stores[2]?.getUserByUsername('u'))?.username).toBe('u');
      const versions = await target.raw('SELECT version FROM schema_migrations');
      expect(versions).toHaveLength(1);
    });

    it('refuses a database migrated by a newer release', async () => {
      await target.raw(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')",
      );
      const error = await rejection(target.open());
      expect(error.code).toBe('STORE_SCHEMA_NEWER');
      expect(error.message).toContain('999');
    });
  });
});
