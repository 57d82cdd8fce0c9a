import { join, resolve } from 'node:path';

import type { DestinationConfig } from './destination-config.js';
import { readJsonlState, resetJsonlState } from './jsonl/jsonl-state-file.js';
import { readSqliteState, resetSqliteState } from './sqlite/sqlite-state.js';

/** A flow's committed sync state by partition, wherever its destination keeps it. */
export async function readFlowState(
  config: DestinationConfig,
  flow: string,
  dataDir: string,
): Promise<Map<string, unknown>> {
  if (config.type === 'sqlite') return readSqliteState(resolve(config.path), flow);
  return readJsonlState(join(resolve(dataDir), 'state'), flow);
}

/** Clears a flow's sync state: the next run starts from the beginning. The data stays. */
export async function resetFlowState(
  config: DestinationConfig,
  flow: string,
  dataDir: string,
): Promise<void> {
  if (config.type === 'sqlite') resetSqliteState(resolve(config.path), flow);
  else await resetJsonlState(join(resolve(dataDir), 'state'), flow);
}
