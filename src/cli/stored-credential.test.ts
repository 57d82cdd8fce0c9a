import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { readRows, tempDir } from '../engine/test-support/run-against-emulator.js';
import { openStore } from '../store/open-store.js';
import { CredentialVault } from '../vault/credential-vault.js';
import { loadMasterKey } from '../vault/master-key.js';
import { splitSecrets } from '../vault/secret-fields.js';
import { runCli } from './test-support/cli-process.js';

let emulator: RunningEmulator;
let dataDir: string;

beforeAll(async () => {
  emulator = await startEmulator({ surveys: 1, responses: 120 });
  dataDir = tempDir('hf-stored-');
  const store = await openStore({ dataDir });
  const vault = new CredentialVault(loadMasterKey({ dataDir, env: {} }).key);
  const id = randomUUID();
  const { secrets, config } = splitSecrets({
    client_id: emulator.clientId,
    client_secret: emulator.clientSecret,
  });
  await store.createCredential({
    id,
    name: 'hotjar-main',
    type: 'hotjar',
    encrypted_secret: vault.encrypt(id, secrets),
    config,
  });
  await store.close();
});

afterAll(async () => {
  await emulator.close();
});

function flowNaming(credential: string): string {
  const file = join(dataDir, `${credential}.yaml`);
  const db = join(dataDir, `${credential}.db`);
  writeFileSync(
    file,
    `version: 1\nname: stored-${credential}\nsource: { type: hotjar, credential: ${credential}, template: survey_responses, params: { site_id: "${emulator.siteId}" }, base_url: "${emulator.url}" }\ndestination: { type: sqlite, path: "${db}", table: r }\n`,
  );
  return file;
}

describe('a flow naming a stored credential', () => {
  it('runs with the credential decrypted from the data directory, and validates', async () => {
    const file = flowNaming('hotjar-main');

    expect(
      (
        await runCli(['validate', file, '--data-dir', dataDir], {
          env: { HOTJAR_FLOW_MASTER_KEY: '' },
        })
      ).code,
    ).toBe(0);
    const result = await runCli(['run', file, '--json', '--data-dir', dataDir], {
      env: { HOTJAR_FLOW_MASTER_KEY: '' },
    });

    expect(result.code, result.stderr).toBe(0);
    expect(readRows(join(dataDir, 'hotjar-main.db'), 'r')).toHaveLength(120);
    expect(result.stdout + result.stderr).not.toContain(emulator.clientSecret);
  });

  it('is a configuration error, exit 2, when no credential has that name', async () => {
    const file = flowNaming('nonexistent');

    const validated = await runCli(['validate', file, '--data-dir', dataDir]);
    const run = await runCli(['run', file, '--json', '--data-dir', dataDir]);

    expect(validated.code).toBe(2);
    expect(validated.stderr).toContain('source.credential');
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe(
      'CONFIG_INVALID',
    );
  });
});
