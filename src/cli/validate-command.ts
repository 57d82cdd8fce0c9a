import { Command } from 'commander';

import { hotjarTemplates } from '../connectors/hotjar/template-registry.js';
import { ConfigError } from '../errors/errors.js';
import { planSource } from '../engine/plan-source.js';
import { loadFlowFile } from '../source/load-flow.js';
import { dataDirOf, type CliContext } from './cli-context.js';
import { resolveStoredCredential } from './stored-credential.js';
import { ExitCode } from './exit-codes.js';

/** `validate FLOW`: exit 0, or 2 with the errors (`--json`: a list of `{code, path, message}`). */
export function buildValidateCommand(cli: CliContext): Command {
  return new Command('validate')
    .description('check a flow file')
    .argument('<flow>', 'the flow file (YAML or JSON)')
    .option('--json', 'print the errors as a JSON list')
    .option('--data-dir <dir>', 'where stored credentials live')
    .action(async (file: string, options: { json?: boolean; dataDir?: string }) => {
      try {
        const flow = await loadFlowFile(file, cli.env);
        // Planning checks what the schema cannot: the template exists, its parameters fit, a
        // stored credential named by the flow exists.
        const dataDir = dataDirOf(options.dataDir, cli.env);
        await planSource(flow, hotjarTemplates(), (name) =>
          resolveStoredCredential(name, { dataDir, env: cli.env }),
        );
        cli.stdout.write(options.json === true ? '[]\n' : `${file}: valid (flow "${flow.name}")\n`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;

        if (options.json === true) cli.stdout.write(`${JSON.stringify(error.issues)}\n`);
        else
          for (const issue of error.issues)
            cli.stderr.write(
              `${file}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}\n`,
            );
        cli.exitCode = ExitCode.configInvalid;
      }
    });
}
