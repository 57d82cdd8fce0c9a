import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { silentLogger } from '../log/logger.js';
import { ManualTimerClock } from '../scheduler/test-support/manual-timer-clock.js';
import { installationHooks } from '../service/installation-hooks.js';
import { storeBackends } from '../store/test-support/store-backends.js';
import { ApiHarness } from './test-support/api-harness.js';

const { backends, skipped } = storeBackends();

if (skipped !== null) {
  describe('scheduled runs on PostgreSQL', () => {
    it.skip(skipped, () => undefined);
  });
}

type Json = Record<string, unknown>;

/**
 * The whole service with its scheduler on a clock the test moves: a flow saved over the API with
 * a daily 02:30 Berlin schedule runs by itself across the spring-forward night (02:30 does not
 * exist that day), and after a restart that missed two ticks it runs once.
 */
describe.each(backends)('a scheduled flow in the service on the $name store', (backend) => {
  const clock = new ManualTimerClock('2026-03-28T12:00:00Z');
  let api: ApiHarness;
  const settle = (): Promise<void> => api.installation?.idle() ?? Promise.resolve();

  beforeAll(async () => {
    await backend.start();
    api = await ApiHarness.start(
      backend,
      0,
      (store) => installationHooks({ store, logger: silentLogger(), env: {}, clock }),
      () => clock.now(),
    );
    await api.createCredential('hotjar-main');
  });

  afterAll(async () => {
    await api?.close();
    await backend.stop();
  });

  async function scheduledRuns(flowId: string): Promise<Json[]> {
    const answer = await api.call('GET', `/api/flows/${flowId}/runs`, {
      token: api.tokenOf('viewer'),
    });
    return (answer.body as { items: Json[] }).items;
  }

  it('runs by itself across a daylight-saving change, and once after a restart that missed ticks', async () => {
    const created = await api.call('POST', '/api/flows', {
      body: {
        ...api.flowFile('nightly', 'hotjar-main', 'nightly.db'),
        schedule: 'TZ=Europe/Berlin 30 2 * * *',
      },
      token: api.tokenOf('editor'),
    });
    expect(created.status).toBe(201);
    const id = (created.body as Json)['id'] as string;
    expect(await scheduledRuns(id)).toEqual([]);

    // The spring-forward night: 02:30 is skipped by the clocks, the run comes right after the gap.
    await clock.advanceTo('2026-03-29T06:00:00Z', settle);
    const first = await scheduledRuns(id);
    expect(first).toHaveLength(1);
    // 03:00 summer time, the first instant after the gap.
    expect(first[0]?.['created_at']).toBe('2026-03-29T01:00:00.000Z');
    expect(await api.finishedRun(first[0]?.['run_id'] as string)).toMatchObject({
      status: 'succeeded',
    });

    // Down over two nights: one catch-up run on start, not two.
    await api.stop();
    await clock.advanceTo('2026-03-31T06:00:00Z', () => Promise.resolve());
    await api.open();
    await clock.advanceBy(1000, settle);
    const after = await scheduledRuns(id);
    expect(after).toHaveLength(2);
    expect(await api.finishedRun(after[0]?.['run_id'] as string)).toMatchObject({
      status: 'succeeded',
    });

    // The next night runs as usual.
    await clock.advanceTo('2026-04-01T06:00:00Z', settle);
    expect(await scheduledRuns(id)).toHaveLength(3);
  });
});
