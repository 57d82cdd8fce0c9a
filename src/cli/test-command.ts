import { Command, InvalidArgumentError } from 'commander';

import { SampleDestination } from '../destinations/sample-destination.js';
import { redactUrl } from '../http/redact-secrets.js';
import { stringifyJsonExact } from '../json/exact-json.js';
import { inferSchema } from '../source/infer-schema.js';
import { loadFlowFile } from '../source/load-flow.js';
import { dataDirOf, type CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';
import { runFlowFromCli } from './run-flow-from-cli.js';

interface TestOptions {
  limit: number;
  pages: number;
  json?: boolean;
  dataDir?: string;
}

/** `test FLOW`: the Test button — first page(s) only, sample records, inferred schema, request log. */
export function buildTestCommand(cli: CliContext): Command {
  return new Command('test')
    .description('fetch the first page(s) of a flow and show sample records and their schema')
    .argument('<flow>', 'the flow file (YAML or JSON)')
    .option('--limit <n>', 'sample records to show', positiveInt, 10)
    .option('--pages <n>', 'pages to fetch', positiveInt, 1)
    .option('--json', 'print the result as JSON')
    .option('--data-dir <dir>', 'where credentials, flows and state live')
    .action(async (file: string, options: TestOptions) => {
      const flow = await loadFlowFile(file, cli.env);
      const destination = new SampleDestination(options.limit);
      const requests: { method: string; url: string; status: number; ms: number }[] = [];

      const summary = await runFlowFromCli({
        flow,
        dataDir: dataDirOf(options.dataDir, cli.env),
        cli,
        destination,
        test: { pages: options.pages, partitions: 1 },
        onExchange: (request, response, ms) =>
          requests.push({
            method: request.method,
            url: redactUrl(request.url),
            status: response.status,
            ms: Math.round(ms),
          }),
      });

      const result = {
        status: summary.status,
        samples: destination.samples,
        schema: inferSchema(destination.samples),
        requests,
        counts: summary.counts,
        error: summary.error,
      };
      cli.stdout.write(
        options.json === true ? `${stringifyJsonExact(result)}\n` : formatTest(result),
      );
      cli.exitCode = summary.status === 'succeeded' ? ExitCode.success : ExitCode.runFailed;
    });
}

function formatTest(result: {
  samples: unknown[];
  schema: Record<string, { types: string[]; nullable: boolean }>;
  requests: { method: string; url: string; status: number; ms: number }[];
  error: { code: string; message: string } | null;
}): string {
  const lines: string[] = ['Requests:'];
  for (const r of result.requests) lines.push(`  ${r.method} ${r.url} → ${r.status} (${r.ms} ms)`);
  if (result.error !== null) lines.push('', `Error ${result.error.code}: ${result.error.message}`);

  lines.push('', 'Schema:');
  for (const [name, field] of Object.entries(result.schema))
    lines.push(
      `  ${name}: ${field.types.join(' | ') || 'null'}${field.nullable ? ' (nullable)' : ''}`,
    );

  lines.push('', `Samples (${result.samples.length}):`);
  for (const sample of result.samples) lines.push(`  ${stringifyJsonExact(sample)}`);
  return `${lines.join('\n')}\n`;
}

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}
