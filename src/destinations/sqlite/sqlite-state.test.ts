import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { OpenContext } from '../destination.js';
import { SqliteDestination } from './sqlite-destination.js';
import { readSqliteState, resetSqliteState } from './sqlite-state.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-sqlite-state-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function commitState(path: string, flow: string, values: Record<string, unknown>) {
  const destination = new SqliteDestination({ path, table: 'rows' });
  const context: OpenContext = { flow, runId: 'run-1', write: 'append', primaryKey: [] };
  await destination.open(context);
  await destination.commit(
    Object.entries(values).map(([partition, value]) => ({ partition, value })),
  );
  await destination.close();
}

describe('readSqliteState and resetSqliteState', () => {
  it('read a flow’s committed state and reset only that flow', async () => {
    const path = join(dir, 'out.db');
    await commitState(path, 'flow-a', { s1: { cursor: 'x' }, s2: 2n ** 64n });
    await commitState(path, 'flow-b', { s1: 'kept' });

    expect(readSqliteState(path, 'flow-a')).toEqual(
      new Map<string, unknown>([
        ['s1', { cursor: 'x' }],
        ['s2', 2n ** 64n],
      ]),
    );
    expect(resetSqliteState(path, 'flow-a')).toBe(2);
    expect(readSqliteState(path, 'flow-a').size).toBe(0);
    expect(readSqliteState(path, 'flow-b')).toEqual(new Map([['s1', 'kept']]));
  });

  it('report an empty state for a file that does not exist yet', () => {
    const path = join(dir, 'missing.db');
    expect(readSqliteState(path, 'flow-a').size).toBe(0);
    expect(resetSqliteState(path, 'flow-a')).toBe(0);
  });
});
