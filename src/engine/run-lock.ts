import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { FlowLockedError } from '../errors/errors.js';

export interface RunLockOptions {
  dataDir: string;
  flow: string;
  /** Wait for the other run to finish instead of failing at once. */
  wait?: boolean;
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * A flow never runs twice at once on one machine: a lock file holds the running process's id.
 * A lock whose process is gone is stale and taken over.
 */
export async function acquireRunLock(options: RunLockOptions): Promise<() => void> {
  const dir = join(options.dataDir, 'locks');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${options.flow}.lock`);

  for (;;) {
    if (tryCreate(path)) return () => rmSync(path, { force: true });

    const holder = readHolder(path);
    if (holder !== undefined && !isAlive(holder)) {
      rmSync(path, { force: true });
      continue;
    }
    if (options.wait !== true) {
      throw new FlowLockedError(
        `flow "${options.flow}" is already running (process ${holder ?? 'unknown'}); use --wait to wait for it`,
        {
          details: { pid: holder },
        },
      );
    }
    await sleep(
      options.pollMs ?? 250,
      undefined,
      options.signal === undefined ? {} : { signal: options.signal },
    );
  }
}

function tryCreate(path: string): boolean {
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
