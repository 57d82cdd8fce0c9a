import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ConfigError } from '../errors/errors.js';
import { silentLogger } from '../log/logger.js';
import { createDestination } from './create-destination.js';
import type { DestinationConfig } from './destination-config.js';
import { JsonlDestination } from './jsonl/jsonl-destination.js';
import { SqliteDestination } from './sqlite/sqlite-destination.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-create-'));
  vi.spyOn(process, 'cwd').mockReturnValue(dir);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const options = () => ({ dataDir: join(dir, 'data'), logger: silentLogger() });
const context = { flow: 'f', runId: 'r', primaryKey: ['id'] } as const;

describe('createDestination', () => {
  it('builds a SQLite destination whose relative path is resolved against the working directory', async () => {
    const config: DestinationConfig = {
      type: 'sqlite',
      path: './out/hotjar.db',
      table: 't',
      write: 'upsert',
    };
    const destination = createDestination(config, options());
    expect(destination).toBeInstanceOf(SqliteDestination);

    await destination.open({ ...context, write: 'upsert' });
    await destination.close();
    expect(existsSync(join(dir, 'out', 'hotjar.db'))).toBe(true);
  });

  it('builds a JSONL destination that keeps its state in <dataDir>/state', async () => {
    const config: DestinationConfig = { type: 'jsonl', path: 'out/{flow}.jsonl', write: 'append' };
    const destination = createDestination(config, options());
    expect(destination).toBeInstanceOf(JsonlDestination);

    await destination.open({ ...context, write: 'append' });
    await destination.write({ records: [{ id: 1 }], state: [{ partition: 'p', value: 1 }] });
    await destination.close();
    expect(existsSync(join(dir, 'out', 'f.jsonl'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'state', 'f.state.json'))).toBe(true);
  });

  it('reports a write mode the type does not support as a configuration error', () => {
    const config = {
      type: 'jsonl',
      path: 'x.jsonl',
      write: 'upsert',
    } as unknown as DestinationConfig;
    const create = () => createDestination(config, options());
    expect(create).toThrow(ConfigError);
    expect(create).toThrow('destination.write: jsonl supports append, replace, not upsert');
  });
});
