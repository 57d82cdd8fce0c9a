import { Command, CommanderError } from 'commander';

import { ConfigError, FlowLockedError } from '../errors/errors.js';
import { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import { createLogger } from '../log/logger.js';
import type { CliContext } from './cli-context.js';
import { buildCredentialsCommand } from './credentials-command.js';
import { buildEmulatorCommand } from './emulator-command.js';
import { ExitCode } from './exit-codes.js';
import { buildFlowsCommand } from './flows-command.js';
import { buildRunCommand } from './run-command.js';
import { buildServeCommand } from './serve-command.js';
import { buildStartCommand } from './start-command.js';
import { buildStateCommand } from './state-command.js';
import { buildTemplatesCommand } from './templates-command.js';
import { buildTestCommand } from './test-command.js';
import { buildValidateCommand } from './validate-command.js';

/** Runs the command line; resolves to the process exit code. */
export async function main(argv: string[], context?: Partial<CliContext>): Promise<number> {
  const cli: CliContext = {
    stdout: context?.stdout ?? process.stdout,
    stderr: context?.stderr ?? process.stderr,
    logger: context?.logger ?? createLogger(),
    env: context?.env ?? process.env,
    exitCode: ExitCode.success,
  };

  const program = new Command('hotjar-flow')
    .description(
      'Data flows from the Hotjar API (and any REST API) into SQLite, PostgreSQL and files.',
    )
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.stdout.write(text),
      writeErr: (text) => cli.stderr.write(text),
    });

  program.addCommand(buildRunCommand(cli));
  program.addCommand(buildTestCommand(cli));
  program.addCommand(buildValidateCommand(cli));
  program.addCommand(buildTemplatesCommand(cli));
  program.addCommand(buildStateCommand(cli));
  program.addCommand(buildEmulatorCommand());
  program.addCommand(buildStartCommand(cli));
  program.addCommand(buildServeCommand(cli));
  program.addCommand(buildCredentialsCommand(cli));
  program.addCommand(buildFlowsCommand(cli));

  try {
    await program.parseAsync(argv);
    return cli.exitCode;
  } catch (error) {
    return reportError(error, cli);
  }
}

function reportError(error: unknown, cli: CliContext): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? ExitCode.success : ExitCode.configInvalid;
  }
  if (error instanceof ConfigError) {
    for (const issue of error.issues)
      cli.stderr.write(`error: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}\n`);
    return ExitCode.configInvalid;
  }
  if (error instanceof FlowLockedError) {
    cli.stderr.write(`error: ${error.message}\n`);
    return ExitCode.flowLocked;
  }
  if (error instanceof HotjarFlowError) {
    cli.stderr.write(`error: ${error.code}: ${error.message}\n`);
    return ExitCode.runFailed;
  }

  cli.stderr.write(
    `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.runFailed;
}
