import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { openStore } from './open-store.js';

const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotjar-flow-open-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('opens the SQLite file in the data directory without a database URL', async () => {
    const dir = dataDir();
    for (const databaseUrl of [undefined, '', '  ']) {
      const store = await openStore({ dataDir: dir, databaseUrl });
      expect(store.kind).toBe('sqlite');
      await store.close();
    }
  });

  it('connects to PostgreSQL when a database URL is given', async () => {
    const closedPort = 'postgres://postgres@127.0.0.1:1/none';
    await expect(openStore({ dataDir: dataDir(), databaseUrl: closedPort })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
