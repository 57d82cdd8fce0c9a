import { Command } from 'commander';

import { ConfigError } from '../errors/errors.js';
import { addServiceOptions, clientOf, withService } from '../server/cli-connection.js';
import type { CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';

interface AddOptions {
  url?: string;
  type: string;
  set: string[];
  secret: string[];
  description?: string;
}

/**
 * `credentials add / list / test / remove`: stored credentials, through a running service's API
 * (`--url`, token in HOTJAR_FLOW_TOKEN), so the service alone holds the master key. Secret values
 * are never flags (they would show in the process list): `--secret client_secret=ENV_VAR` reads
 * them from the environment.
 */
export function buildCredentialsCommand(cli: CliContext): Command {
  const command = new Command('credentials').description(
    'manage stored, encrypted credentials (through the service)',
  );

  command.addCommand(
    addServiceOptions(new Command('add'))
      .description('store a credential')
      .argument('<name>', 'its unique name')
      .requiredOption(
        '--type <type>',
        'hotjar | oauth2_client_credentials | bearer | api_key | basic | none',
      )
      .option(
        '--set <key=value>',
        'a plain field (client_id, base_url, site_id, …); repeatable',
        collect,
        [],
      )
      .option(
        '--secret <key=ENV_VAR>',
        'a secret field read from an environment variable; repeatable',
        collect,
        [],
      )
      .option('--description <text>', 'what it is for')
      .action((name: string, options: AddOptions) =>
        withService(cli, async () => {
          const body = { name, type: options.type, ...fieldsOf(options, cli.env) };
          const created = await clientOf(options, cli).request<{ id: string }>(
            'POST',
            '/api/credentials',
            body,
          );
          cli.stdout.write(`${JSON.stringify(created)}\n`);
        }),
      ),
  );

  command.addCommand(
    addServiceOptions(new Command('list'))
      .description('list stored credentials (secrets masked)')
      .option('--json', 'one JSON array')
      .action((options: { url?: string; json?: boolean }) =>
        withService(cli, async () => {
          const items = await clientOf(options, cli).listAll<Record<string, unknown>>(
            '/api/credentials',
          );
          if (options.json === true) cli.stdout.write(`${JSON.stringify(items)}\n`);
          else
            for (const item of items)
              cli.stdout.write(
                `${String(item['name'])}\t${String(item['type'])}\t${lastTest(item)}\n`,
              );
        }),
      ),
  );

  command.addCommand(
    addServiceOptions(new Command('test'))
      .description('the Test button: get a token and make one cheap call')
      .argument('<credential>', 'name or id')
      .action((reference: string, options: { url?: string }) =>
        withService(cli, async () => {
          const client = clientOf(options, cli);
          const id = await client.idOf('/api/credentials', reference);
          const result = await client.request<{ status: string; message: string }>(
            'POST',
            `/api/credentials/${id}/test`,
            {},
          );
          cli.stdout.write(`${result.status}: ${result.message}\n`);
          if (result.status !== 'verified') cli.exitCode = ExitCode.runFailed;
        }),
      ),
  );

  command.addCommand(
    addServiceOptions(new Command('remove'))
      .description('delete a credential (refused while flows use it)')
      .argument('<credential>', 'name or id')
      .action((reference: string, options: { url?: string }) =>
        withService(cli, async () => {
          const client = clientOf(options, cli);
          await client.request(
            'DELETE',
            `/api/credentials/${await client.idOf('/api/credentials', reference)}`,
          );
        }),
      ),
  );
  return command;
}

function fieldsOf(options: AddOptions, env: NodeJS.ProcessEnv): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of options.set) {
    const [key, value] = split(pair, '--set');
    fields[key] = value;
  }
  for (const pair of options.secret) {
    const [key, variable] = split(pair, '--secret');
    const value = env[variable];
    if (value === undefined || value === '') {
      throw new ConfigError([
        { code: 'ENV_MISSING', path: key, message: `environment variable ${variable} is not set` },
      ]);
    }
    fields[key] = value;
  }
  if (options.description !== undefined) fields['description'] = options.description;
  return fields;
}

function split(pair: string, flag: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0)
    throw new ConfigError([
      {
        code: 'INVALID_FLAG',
        path: flag,
        message: `expected key=value, got ${JSON.stringify(pair)}`,
      },
    ]);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

function lastTest(item: Record<string, unknown>): string {
  const test = item['last_test'] as { status?: string; tested_at?: string } | null;
  return test === null || test === undefined
    ? 'untested'
    : `${test.status ?? ''} ${test.tested_at ?? ''}`;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
