import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { loadMasterKey, MASTER_KEY_ENV } from './master-key.js';

const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotjar-flow-key-'));
  dirs.push(dir);
  return join(dir, 'data');
}

function failure(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a failure');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadMasterKey', () => {
  it('creates a random key file with mode 0600 on first start and reads the same key after', () => {
    const dir = dataDir();

    const first = loadMasterKey({ dataDir: dir, env: {} });
    const second = loadMasterKey({ dataDir: dir, env: {} });

    expect(first).toMatchObject({ source: 'file', created: true, path: join(dir, 'master.key') });
    expect(first.key).toHaveLength(32);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(second.created).toBe(false);
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('refuses a key file that other users may read', () => {
    const dir = dataDir();
    loadMasterKey({ dataDir: dir, env: {} });
    chmodSync(join(dir, 'master.key'), 0o644);

    const error = failure(() => loadMasterKey({ dataDir: dir, env: {} }));
    expect(error.code).toBe('MASTER_KEY_PERMISSIONS');
    expect(error.message).toContain('0644');
    expect(error.message).toContain('chmod 600');
  });

  it('refuses a key file that does not hold 32 bytes, without echoing it', () => {
    const dir = dataDir();
    loadMasterKey({ dataDir: dir, env: {} });
    writeFileSync(join(dir, 'master.key'), 'my-password\n', { mode: 0o600 });

    const error = failure(() => loadMasterKey({ dataDir: dir, env: {} }));
    expect(error.code).toBe('MASTER_KEY_FORMAT');
    expect(error.message).not.toContain('my-password');
  });

  it('takes the key from the environment as 64 hex characters, base64 or base64url', () => {
    const key = randomBytes(32);
    const dir = dataDir();

    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      const loaded = loadMasterKey({ dataDir: dir, env: { [MASTER_KEY_ENV]: `${text}\n` } });
      expect(loaded).toMatchObject({ source: 'env', created: false, path: null });
      expect(loaded.key.equals(key)).toBe(true);
    }
  });

  it('explains the expected format when the environment key is wrong, without echoing it', () => {
    for (const wrong of ['hunter2', randomBytes(16).toString('base64'), 'z'.repeat(64)]) {
      const error = failure(() =>
        loadMasterKey({ dataDir: dataDir(), env: { [MASTER_KEY_ENV]: wrong } }),
      );
      expect(error.code).toBe('MASTER_KEY_FORMAT');
      expect(error.message).toContain(MASTER_KEY_ENV);
      expect(error.message).toContain('64 hexadecimal characters');
      expect(error.message).not.toContain(wrong);
    }
  });

  it('writes the key file as base64 text', () => {
    const dir = dataDir();
    const { key } = loadMasterKey({ dataDir: dir, env: {} });
    expect(readFileSync(join(dir, 'master.key'), 'utf8')).toBe(`${key.toString('base64')}\n`);
  });
});
