import { describe, expect, it } from 'vitest';

import { storeBackends } from './store-backends.js';

describe('storeBackends', () => {
  it('skips the PostgreSQL half outside CI when PostgreSQL is missing, saying how to install it', () => {
    const { backends, skipped } = storeBackends({}, null);
    expect(backends.map((backend) => backend.name)).toEqual(['sqlite']);
    expect(skipped).toContain('apt-get install -y postgresql');
  });

  it('fails loudly in CI when PostgreSQL is missing', async () => {
    const { backends, skipped } = storeBackends({ CI: 'true' }, null);
    expect(skipped).toBeNull();

    const postgres = backends.find((backend) => backend.name === 'postgres');
    await expect(postgres?.start()).rejects.toThrow(/not installed.*apt-get install -y postgresql/);
  });
});
