import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { DestinationError } from '../../errors/errors.js';
import { parseJsonExact, stringifyExact } from '../../json/exact-json.js';
import { writeFileAtomic } from './atomic-file.js';

/**
 * What a JSONL destination has committed for a flow. `committed_bytes` is the write-ahead
 * offset: bytes of `file` beyond it were appended by a batch whose state never landed.
 */
export interface JsonlState {
  /** The data file the offset belongs to (paths with `{date}` or `{run}` change between runs). */
  file: string;
  committed_bytes: number;
  entries: Record<string, unknown>;
  /**
   * An append in progress: written before the bytes, cleared with the commit. Only a tail that
   * this records is cut at the next open; any other growth of the file is someone else's.
   */
  pending?: { from: number; bytes: number };
}

/** Where a flow's state lives: `<stateDir>/<flow>.state.json` (the name made file-safe). */
export function jsonlStatePath(stateDir: string, flow: string): string {
  return join(stateDir, `${encodeURIComponent(flow)}.state.json`);
}

/** The state file's content, or `undefined` when the flow has none yet. */
export async function readJsonlStateFile(path: string): Promise<JsonlState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }

  return toState(parseJsonExact(text), path);
}

/** Writes the state file atomically (a reader sees the old content or the new, never a mix). */
export async function writeJsonlStateFile(path: string, state: JsonlState): Promise<void> {
  await writeFileAtomic(path, `${stringifyExact(state)}\n`);
}

/** A flow's committed state by partition (for `state show`); empty when there is none. */
export async function readJsonlState(
  stateDir: string,
  flow: string,
): Promise<Map<string, unknown>> {
  const state = await readJsonlStateFile(jsonlStatePath(stateDir, flow));
  return new Map(Object.entries(state?.entries ?? {}));
}

/**
 * Deletes a flow's state (for `state reset`): the next run starts from the beginning, and the
 * data file is kept as it is. Returns whether there was a state to delete.
 */
export async function resetJsonlState(stateDir: string, flow: string): Promise<boolean> {
  const path = jsonlStatePath(stateDir, flow);
  const existed = (await readJsonlStateFile(path)) !== undefined;
  await rm(path, { force: true });
  return existed;
}

function toState(value: unknown, path: string): JsonlState {
  const candidate = value as Partial<JsonlState> | null;
  const valid =
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.file === 'string' &&
    typeof candidate.committed_bytes === 'number' &&
    typeof candidate.entries === 'object' &&
    candidate.entries !== null;
  if (!valid) {
    throw new DestinationError(`the state file ${path} is not a JSONL destination state`, {
      details: { path },
    });
  }

  return candidate as JsonlState;
}
