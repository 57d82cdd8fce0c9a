import { Command } from 'commander';

import { acquireRunLock } from '../engine/run-lock.js';
import { ConfigError, FlowLockedError } from '../errors/errors.js';
import type { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import { emptyCounts, type RunSummary } from '../engine/run-summary.js';
import type { FlowConfig } from '../source/schema/flow-schema.js';
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
      let flow: FlowConfig;
      try {
        flow = await loadFlowFile(file, cli.env);
      } catch (error) {
        if (options.json === true && error instanceof ConfigError) writeNotRun(cli, file, error);
        throw error;
      }
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
        cli.exitCode = exitCodeOf(summary, controller.signal.aborted);
      } catch (error) {
        if (!(error instanceof FlowLockedError)) throw error;
        cli.stderr.write(`error: ${error.message}\n`);
        if (options.json === true) writeNotRun(cli, flow.name, error);
        cli.exitCode = ExitCode.flowLocked;
      } finally {
        release?.();
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
    });
}

function exitCodeOf(summary: RunSummary, interrupted: boolean): number {
  if (summary.status === 'succeeded') return ExitCode.success;
  if (interrupted) return ExitCode.interrupted;
  return summary.error?.code === 'CONFIG_INVALID' ? ExitCode.configInvalid : ExitCode.runFailed;
}

/** `--json` promises one line on stdout, also when the run never started. */
function writeNotRun(cli: CliContext, flow: string, error: HotjarFlowError): void {
  const summary: RunSummary = {
    status: 'failed',
    run_id: '',
    flow,
    duration_ms: 0,
    counts: emptyCounts(),
    warnings: [],
    error: error.toJSON(),
  };
  cli.stdout.write(`${JSON.stringify(summary)}\n`);
}
