import { Command } from 'commander';

import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { validateFlow } from '../source/load-flow.js';
import type { FlowConfig } from '../source/schema/flow-schema.js';
import { dataDirOf, type CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';
import { formatSummary } from './format-summary.js';
import { ProgressLine } from './progress-line.js';
import { runFlowFromCli } from './run-flow-from-cli.js';

interface StartOptions {
  once?: boolean;
  db: string;
  dataDir?: string;
  port: string;
}

/**
 * `start` (what `npm start` runs): every survey response of the demo site into SQLite — from the
 * real Hotjar API when HOTJAR_CLIENT_ID, HOTJAR_CLIENT_SECRET and HOTJAR_SITE_ID are set, else
 * from the built-in emulator started in this process.
 */
export function buildStartCommand(cli: CliContext): Command {
  return new Command('start')
    .description('run the demo flow: every survey response of the demo site into SQLite')
    .option('--once', 'stop after the demo run')
    .option('--db <path>', 'the SQLite file', './data/hotjar.db')
    .option('--data-dir <dir>', 'where credentials, flows and state live')
    .option('--port <n>', 'the port the service listens on afterwards (0: a free one)', '8787')
    .action(async (options: StartOptions) => {
      const real = realCredential(cli.env);
      const emulator = real === undefined ? await startEmulator({ logger: cli.logger }) : undefined;

      try {
        const flow = demoFlow(options.db, real ?? fromEmulator(emulator));
        cli.stderr.write(
          real === undefined
            ? `No Hotjar credential set: reading the built-in emulator at ${emulator?.url}\n`
            : 'Reading the Hotjar API\n',
        );

        const progress = new ProgressLine(cli.stderr);
        const summary = await runFlowFromCli({
          flow,
          dataDir: dataDirOf(options.dataDir, cli.env),
          cli,
          onProgress: (s) => progress.update(s),
        });
        progress.clear();

        cli.stdout.write(formatSummary(summary));
        if (summary.status === 'succeeded') cli.stdout.write(whereTheDataIs(options.db));
        cli.exitCode = summary.status === 'succeeded' ? ExitCode.success : ExitCode.runFailed;
        if (options.once !== true && summary.status === 'succeeded')
          await keepServing(cli, options);
      } finally {
        await emulator?.close();
      }
    });
}

/** Without --once the service goes on (with the emulator, when one was started) until Ctrl-C. */
async function keepServing(cli: CliContext, options: StartOptions): Promise<void> {
  cli.stderr.write(
    'Serving the API until Ctrl-C (`npm start -- --once` stops after the demo run).\n',
  );
  const { buildServeCommand } = await import('./serve-command.js');
  const args = [
    '--port',
    options.port,
    ...(options.dataDir === undefined ? [] : ['--data-dir', options.dataDir]),
  ];
  await buildServeCommand(cli).parseAsync(args, { from: 'user' });
}

interface DemoSource {
  baseUrl?: string;
  clientId: string;
  clientSecret: string;
  siteId: string;
}

function realCredential(env: NodeJS.ProcessEnv): DemoSource | undefined {
  const clientId = env['HOTJAR_CLIENT_ID'];
  const clientSecret = env['HOTJAR_CLIENT_SECRET'];
  const siteId = env['HOTJAR_SITE_ID'];
  if (!clientId || !clientSecret || !siteId) return undefined;
  return {
    clientId,
    clientSecret,
    siteId,
    ...(env['HOTJAR_BASE_URL'] ? { baseUrl: env['HOTJAR_BASE_URL'] } : {}),
  };
}

function fromEmulator(emulator: RunningEmulator | undefined): DemoSource {
  if (emulator === undefined) throw new Error('the emulator did not start');
  return {
    baseUrl: emulator.url,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    siteId: emulator.siteId,
  };
}

function demoFlow(db: string, source: DemoSource): FlowConfig {
  return validateFlow(
    {
      version: 1,
      name: 'demo-survey-responses',
      source: {
        type: 'hotjar',
        credential: {
          type: 'hotjar',
          client_id: source.clientId,
          client_secret: source.clientSecret,
        },
        template: 'survey_responses',
        params: { site_id: source.siteId },
        ...(source.baseUrl === undefined ? {} : { base_url: source.baseUrl }),
      },
      destination: { type: 'sqlite', path: db, table: 'survey_responses', write: 'upsert' },
    },
    null,
  );
}

function whereTheDataIs(db: string): string {
  return [
    '',
    `The responses are in ${db}, table survey_responses. Look at them with:`,
    `  sqlite3 ${db} "SELECT survey_id, count(*), max(created_time) FROM survey_responses GROUP BY survey_id"`,
    '',
  ].join('\n');
}
