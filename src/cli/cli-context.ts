import type { Logger } from '../log/logger.js';

/** What every subcommand gets: where to write, the logger, and where to leave its exit code. */
export interface CliContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  logger: Logger;
  env: NodeJS.ProcessEnv;
  exitCode: number;
}

/** `--data-dir`, else `HOTJAR_FLOW_DATA_DIR`, else `./.hotjar-flow`. */
export function dataDirOf(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option ?? env['HOTJAR_FLOW_DATA_DIR'] ?? './.hotjar-flow';
}
