import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { CredentialConfig } from '../auth/credential-config.js';
import { ConfigError } from '../errors/errors.js';
import { StoreNotFoundError } from '../errors/errors.js';
import type { CredentialRecord, Store } from '../store/store.js';

/**
 * Resolves a flow's `credential: <name>` from the installation's store — the SQLite file in the
 * data directory, or PostgreSQL with DATABASE_URL — decrypting its secrets with the master key.
 * The store's modules load only here: a flow with an inline credential never needs them.
 */
export async function resolveStoredCredential(
  reference: string,
  options: { dataDir: string; env: NodeJS.ProcessEnv },
): Promise<CredentialConfig> {
  const databaseUrl = options.env['DATABASE_URL'];
  const { SQLITE_STORE_FILE } = await import('../store/sqlite/sqlite-store.js');
  if (!databaseUrl && !existsSync(join(options.dataDir, SQLITE_STORE_FILE))) {
    throw unknown(reference, `there is no credential store in ${options.dataDir}`);
  }

  const [{ openStore }, { CredentialVault }, { loadMasterKey }, { credentialFieldsOf }] =
    await Promise.all([
      import('../store/open-store.js'),
      import('../vault/credential-vault.js'),
      import('../vault/master-key.js'),
      import('../service/credential-view.js'),
    ]);
  const store = await openStore({
    dataDir: options.dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  try {
    const record = await findCredential(store, reference);
    if (record === undefined) throw unknown(reference, 'no stored credential has that name or id');

    const vault = new CredentialVault(
      loadMasterKey({ dataDir: options.dataDir, env: options.env }).key,
    );
    const secrets = vault.decrypt(record.id, record.encrypted_secret);
    return { ...credentialFieldsOf(record), type: record.type, ...secrets } as CredentialConfig;
  } finally {
    await store.close();
  }
}

async function findCredential(
  store: Store,
  reference: string,
): Promise<CredentialRecord | undefined> {
  for (const find of [
    () => store.getCredential(reference),
    () => store.getCredentialByName(reference),
  ]) {
    try {
      return await find();
    } catch (error) {
      if (!(error instanceof StoreNotFoundError)) throw error;
    }
  }
  return undefined;
}

function unknown(reference: string, why: string): ConfigError {
  const message = `stored credential "${reference}" not found: ${why} (add it with \`hotjar-flow credentials add\` against \`serve\`, or write the credential inline)`;
  return new ConfigError([{ code: 'CREDENTIAL_UNKNOWN', path: 'source.credential', message }]);
}
