import type { Command } from 'commander';

import { ApiCallError, ApiClient } from './api-client.js';
import type { CliContext } from '../cli/cli-context.js';
import { ExitCode } from '../cli/exit-codes.js';

/** `--url` of a running service (or `HOTJAR_FLOW_URL`); the token is `HOTJAR_FLOW_TOKEN`. */
export function addServiceOptions(command: Command): Command {
  return command.option(
    '--url <url>',
    'the service (default HOTJAR_FLOW_URL or http://127.0.0.1:8787)',
  );
}

export function clientOf(options: { url?: string }, cli: CliContext): ApiClient {
  const url = options.url ?? cli.env['HOTJAR_FLOW_URL'] ?? 'http://127.0.0.1:8787';
  return new ApiClient(url, cli.env['HOTJAR_FLOW_TOKEN']);
}

/** Runs a CLI action against the service, turning an error answer into a message and exit code. */
export async function withService(cli: CliContext, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error;

    cli.stderr.write(`error: ${error.code}: ${error.message}\n`);
    const issues = error.details['issues'];
    if (Array.isArray(issues)) {
      for (const issue of issues as { path: string; message: string }[])
        cli.stderr.write(`  ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}\n`);
    }
    cli.exitCode =
      error.status === 422
        ? ExitCode.configInvalid
        : error.status === 409
          ? ExitCode.flowLocked
          : ExitCode.runFailed;
  }
}
