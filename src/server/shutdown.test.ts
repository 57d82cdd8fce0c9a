import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sqliteBackend } from '../store/test-support/store-backends.js';
import { ApiHarness } from './test-support/api-harness.js';

const backend = sqliteBackend();

describe('shutting the service down', () => {
  let api: ApiHarness;
  let flowId = '';

  beforeAll(async () => {
    api = await ApiHarness.start(backend, 40);
    await api.createCredential();
    const flow = await api.call('POST', '/api/flows', {
      body: api.flowFile('slow', 'hotjar-main'),
    });
    flowId = (flow.body as { id: string }).id;
  });

  afterAll(async () => {
    await api?.close();
    await backend.stop();
  });

  it('cancels a run that outlasts the grace period and records it as cancelled', async () => {
    const started = await api.call('POST', `/api/flows/${flowId}/run`);
    const runId = (started.body as { run_id: string }).run_id;

    await api.stop(50);
    await api.open();

    const run = await api.call('GET', `/api/runs/${runId}`);
    expect(run.body).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
    expect((run.body as { finished_at: string | null }).finished_at).not.toBeNull();
  });

  it('lets a run finish when the grace period is long enough', async () => {
    const started = await api.call('POST', `/api/flows/${flowId}/run`);
    const runId = (started.body as { run_id: string }).run_id;

    await api.stop(60_000);
    await api.open();

    const run = await api.call('GET', `/api/runs/${runId}`);
    expect(run.body).toMatchObject({ status: 'succeeded' });
  });
});
