import { Command } from 'commander';

import { readFlowState, resetFlowState } from '../destinations/flow-state.js';
import { acquireRunLock } from '../engine/run-lock.js';
import { stringifyJsonExact } from '../json/exact-json.js';
import { loadFlowFile } from '../source/load-flow.js';
import { dataDirOf, type CliContext } from './cli-context.js';

/** `state show FLOW` / `state reset FLOW`: see or clear a flow's sync state. */
export function buildStateCommand(cli: CliContext): Command {
  const state = new Command('state').description("see or clear a flow's sync state");

  state
    .command('show')
    .argument('<flow>', 'the flow file')
    .option('--data-dir <dir>', 'where credentials, flows and state live')
    .action(async (file: string, options: { dataDir?: string }) => {
      const flow = await loadFlowFile(file, cli.env);
      const entries = await readFlowState(
        flow.destination,
        flow.name,
        dataDirOf(options.dataDir, cli.env),
      );
      cli.stdout.write(
        `${stringifyJsonExact({ flow: flow.name, partitions: Object.fromEntries(entries) })}\n`,
      );
    });

  state
    .command('reset')
    .argument('<flow>', 'the flow file')
    .option('--data-dir <dir>', 'where credentials, flows and state live')
    .action(async (file: string, options: { dataDir?: string }) => {
      const flow = await loadFlowFile(file, cli.env);
      const dataDir = dataDirOf(options.dataDir, cli.env);
      // Never clear the state under a running pass: it would commit its bookmark afterwards.
      const release = await acquireRunLock({ dataDir, flow: flow.name });
      try {
        await resetFlowState(flow.destination, flow.name, dataDir);
      } finally {
        release();
      }
      cli.stdout.write(
        `state of flow "${flow.name}" cleared; the next run starts from the beginning\n`,
      );
    });

  return state;
}
