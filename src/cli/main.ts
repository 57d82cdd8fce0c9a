import { Command, CommanderError } from 'commander';

import { ConfigError, FlowLockedError } from '../errors/errors.js';
import { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import { createLogger } from '../log/logger.js';
import type { CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';

type CommandBuilder = (cli: CliContext) => Command;

/**
 * Each subcommand's module, loaded only when that subcommand runs: `run` never loads the web
 * service or the emulator, which keeps start-up time and memory down (the Test button starts a
 * process per click). Help without a subcommand loads them all.
 */
const COMMANDS: Record<string, () => Promise<CommandBuilder>> = {
  run: async () => (await import('./run-command.js')).buildRunCommand,
  test: async () => (await import('./test-command.js')).buildTestCommand,
  validate: async () => (await import('./validate-command.js')).buildValidateCommand,
  templates: async () => (await import('./templates-command.js')).buildTemplatesCommand,
  state: async () => (await import('./state-command.js')).buildStateCommand,
  emulator: async () => {
    const { buildEmulatorCommand } = await import('./emulator-command.js');
    return () => buildEmulatorCommand();
  },
  start: async () => (await import('./start-command.js')).buildStartCommand,
  serve: async () => (await import('./serve-command.js')).buildServeCommand,
  credentials: async () => (await import('./credentials-command.js')).buildCredentialsCommand,
  flows: async () => (await import('./flows-command.js')).buildFlowsCommand,
};

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

  const named = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const wanted = named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
  for (const name of wanted) {
    const load = COMMANDS[name];
    if (load !== undefined) program.addCommand((await load())(cli));
  }

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
