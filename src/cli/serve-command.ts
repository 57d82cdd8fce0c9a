import { join, resolve } from 'node:path';

import { Command, InvalidArgumentError } from 'commander';

import { hotjarTemplates } from '../connectors/hotjar/template-registry.js';
import { createEngineServices } from '../engine/create-engine-services.js';
import { ConfigError } from '../errors/errors.js';
import { buildServer, MIN_ADMIN_TOKEN_LENGTH } from '../server/build-server.js';
import { ADMIN_USERNAME, ensureAdminUser } from '../service/bootstrap-admin.js';
import { installationHooks } from '../service/installation-hooks.js';
import { openStore } from '../store/open-store.js';
import { CredentialVault } from '../vault/credential-vault.js';
import { loadMasterKey } from '../vault/master-key.js';
import { dataDirOf, type CliContext } from './cli-context.js';

interface ServeOptions {
  port: number;
  host: string;
  dataDir?: string;
  filesRoot?: string;
  graceSeconds: number;
}

/**
 * `serve`: the HTTP API on 127.0.0.1. Its first stdout line is `{"url": …}` once it listens.
 * SIGTERM / SIGINT stop it: no new requests, running runs get `--grace-seconds` to finish, the
 * rest are cancelled and recorded as cancelled.
 */
export function buildServeCommand(cli: CliContext): Command {
  return new Command('serve')
    .description('serve the HTTP API (and run flows) on 127.0.0.1')
    .option('--port <n>', 'the port; 0 picks a free one', port, 8787)
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where credentials, flows and state live')
    .option(
      '--files-root <dir>',
      'where destinations of saved flows must live (default <data-dir>/files)',
    )
    .option('--grace-seconds <n>', 'how long running runs may finish at shutdown', port, 30)
    .action(async (options: ServeOptions) => {
      const dataDir = resolve(dataDirOf(options.dataDir, cli.env));
      const adminToken = adminTokenOf(cli.env);
      const vault = new CredentialVault(loadMasterKey({ dataDir, env: cli.env }).key);
      const store = await openStore({ dataDir, databaseUrl: cli.env['DATABASE_URL'] });
      const services = createEngineServices({ logger: cli.logger, templates: hotjarTemplates() });

      try {
        announceAdmin(cli, await ensureAdminUser(store, cli.env['HOTJAR_FLOW_ADMIN_PASSWORD']));
        const installation = installationHooks({ store, logger: cli.logger, env: cli.env });
        const server = await buildServer({
          store,
          vault,
          services,
          dataDir,
          filesRoot: resolve(options.filesRoot ?? join(dataDir, 'files')),
          logger: cli.logger,
          adminToken,
          hooks: installation.hooks,
        });
        await installation.start(server.runs);
        const url = await server.listen({ port: options.port, host: options.host });
        cli.stdout.write(`${JSON.stringify({ url })}\n`);
        cli.logger.info({ url, store: store.kind }, 'service listening');

        const signal = await stopSignal();
        cli.logger.info({ signal }, 'service stopping');
        await installation.stopScheduling();
        await server.close(options.graceSeconds * 1000);
        await installation.stopNotifying();
      } finally {
        await store.close();
        await services.http.close();
      }
    });
}

function adminTokenOf(env: NodeJS.ProcessEnv): string | null {
  const token = env['HOTJAR_FLOW_ADMIN_TOKEN'];
  if (token === undefined || token === '') return null;
  if (token.length >= MIN_ADMIN_TOKEN_LENGTH) return token;

  throw new ConfigError([
    {
      code: 'ADMIN_TOKEN_SHORT',
      path: 'HOTJAR_FLOW_ADMIN_TOKEN',
      message: `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (it has ${token.length})`,
    },
  ]);
}

function announceAdmin(
  cli: CliContext,
  result: { created: boolean; generatedPassword: string | null },
): void {
  if (result.generatedPassword === null) return;
  // Printed once, on stderr only: stdout carries the machine-readable first line.
  cli.stderr.write(
    `Created the user "${ADMIN_USERNAME}" with the password ${result.generatedPassword}\n` +
      'It is not shown again; set HOTJAR_FLOW_ADMIN_PASSWORD before the first start to choose it.\n',
  );
}

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolveSignal(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('expected a number from 0 to 65535');
  }
  return parsed;
}
