import { Command } from 'commander';

import { acquireRunLock } from '../engine/run-lock.js';
import { FlowLockedError } from '../errors/errors.js';
import { loadFlowFile } from '../source/load-flow.js';
import { dataDirOf, type CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';
import { formatSummary } from './format-summary.js';
import { ProgressLine } from './progress-line.js';
import { runFlowFromCli } from './run-flow-from-cli.js';

interface RunOptions {
  json?: boolean;
  wait?: boolean;
  dataDir?: string;
}

/** `run FLOW`: run once; progress on stderr, the summary on stdout. */
export function buildRunCommand(cli: CliContext): Command {
  return new Command('run')
    .description('run a flow once')
    .argument('<flow>', 'the flow file (YAML or JSON)')
    .option('--json', 'print the summary as one JSON line')
    .option('--wait', 'wait when the flow is already running instead of exiting with 3')
    .option('--data-dir <dir>', 'where credentials, flows and state live')
    .action(async (file: string, options: RunOptions) => {
      const flow = await loadFlowFile(file, cli.env);
      const dataDir = dataDirOf(options.dataDir, cli.env);
      const controller = new AbortController();
      const interrupt = (): void => controller.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);

      let release: (() => void) | undefined;
      try {
        release = await acquireRunLock({
          dataDir,
          flow: flow.name,
          wait: options.wait === true,
          signal: controller.signal,
        });
        const progress = new ProgressLine(cli.stderr);
        const summary = await runFlowFromCli({
          flow,
          dataDir,
          cli,
          signal: controller.signal,
          onProgress: (s) => progress.update(s),
        });
        progress.clear();

        cli.stdout.write(
          options.json === true ? `${JSON.stringify(summary)}\n` : formatSummary(summary),
        );
        cli.exitCode =
          summary.status === 'succeeded'
            ? ExitCode.success
            : controller.signal.aborted
              ? ExitCode.interrupted
              : ExitCode.runFailed;
      } catch (error) {
        if (!(error instanceof FlowLockedError)) throw error;
        cli.stderr.write(`error: ${error.message}\n`);
        cli.exitCode = ExitCode.flowLocked;
      } finally {
        release?.();
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
    });
}
