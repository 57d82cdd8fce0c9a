import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { Command } from 'commander';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import type { ApiClient } from '../server/api-client.js';
import { addServiceOptions, clientOf, withService } from '../server/cli-connection.js';
import { substituteEnv } from '../source/env-substitution.js';
import type { CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';

/**
 * `flows apply / list / run / logs`: flows saved in a running service (`--url`, token in
 * HOTJAR_FLOW_TOKEN). `apply` creates the flow or replaces the one of the same name; `${ENV}` in
 * the file is substituted here, before it is sent.
 */
export function buildFlowsCommand(cli: CliContext): Command {
  const command = new Command('flows').description('manage flows saved in the service');

  command.addCommand(
    addServiceOptions(new Command('apply'))
      .description('create or replace a flow from a flow file')
      .argument('<file>', 'the flow file (YAML or JSON)')
      .action((file: string, options: { url?: string }) =>
        withService(cli, async () => {
          const flow = await readFlow(file, cli.env);
          const saved = await apply(clientOf(options, cli), flow);
          cli.stdout.write(`${JSON.stringify({ id: saved.id, name: saved.name })}\n`);
        }),
      ),
  );

  command.addCommand(
    addServiceOptions(new Command('list'))
      .description('list flows')
      .option('--json', 'one JSON array')
      .action((options: { url?: string; json?: boolean }) =>
        withService(cli, async () => {
          const items = await clientOf(options, cli).listAll<Record<string, unknown>>('/api/flows');
          if (options.json === true) cli.stdout.write(`${JSON.stringify(items)}\n`);
          else
            for (const f of items)
              cli.stdout.write(
                `${String(f['name'])}\t${String(f['status'])}\t${String(f['id'])}\n`,
              );
        }),
      ),
  );

  command.addCommand(
    addServiceOptions(new Command('run'))
      .description('run a flow now; --wait waits and prints the summary')
      .argument('<flow>', 'name or id')
      .option('--wait', 'wait for the run to finish; exit 1 when it fails')
      .action((reference: string, options: { url?: string; wait?: boolean }) =>
        withService(cli, async () => {
          const client = clientOf(options, cli);
          const id = await client.idOf('/api/flows', reference);
          const { run_id: runId } = await client.request<{ run_id: string }>(
            'POST',
            `/api/flows/${id}/run`,
          );
          if (options.wait !== true) {
            cli.stdout.write(`${JSON.stringify({ run_id: runId })}\n`);
            return;
          }
          const run = await waitForRun(client, runId);
          cli.stdout.write(`${JSON.stringify(run)}\n`);
          if (run['status'] !== 'succeeded') cli.exitCode = ExitCode.runFailed;
        }),
      ),
  );

  command.addCommand(
    addServiceOptions(new Command('logs'))
      .description("print a run's log lines")
      .argument('<run>', 'the run id')
      .action((runId: string, options: { url?: string }) =>
        withService(cli, async () => {
          const lines = await clientOf(options, cli).listAll<Record<string, unknown>>(
            `/api/runs/${encodeURIComponent(runId)}/logs`,
          );
          for (const line of lines) cli.stdout.write(`${JSON.stringify(line)}\n`);
        }),
      ),
  );
  command.addCommand(
    addServiceOptions(new Command('export'))
      .description('print a saved flow as a YAML flow file (credentials by name, never secrets)')
      .argument('<flow>', 'the flow name or id')
      .action((reference: string, options: { url?: string }) =>
        withService(cli, async () => {
          const client = clientOf(options, cli);
          const id = await client.idOf('/api/flows', reference);
          const flow = await client.request<{ definition: unknown }>(
            'GET',
            `/api/flows/${encodeURIComponent(id)}`,
          );
          cli.stdout.write(stringifyYaml(flow.definition));
        }),
      ),
  );
  return command;
}

async function readFlow(file: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const raw: unknown = parseYaml(await readFile(file, 'utf8'), { uniqueKeys: true });
  const issues: ConfigIssue[] = [];
  const flow = substituteEnv(raw, env, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  if (typeof flow !== 'object' || flow === null) {
    throw new ConfigError([
      { code: 'INVALID_TYPE', path: '', message: 'a flow file is a mapping' },
    ]);
  }
  return flow as Record<string, unknown>;
}

async function apply(
  client: ApiClient,
  flow: Record<string, unknown>,
): Promise<{ id: string; name: string }> {
  const existing = await client.listAll<{ id: string; name: string }>('/api/flows');
  const same = existing.find((f) => f.name === flow['name']);
  return same === undefined
    ? client.request('POST', '/api/flows', flow)
    : client.request('PUT', `/api/flows/${same.id}`, flow);
}

async function waitForRun(client: ApiClient, runId: string): Promise<Record<string, unknown>> {
  for (;;) {
    const run = await client.request<Record<string, unknown>>('GET', `/api/runs/${runId}`);
    if (run['status'] !== 'queued' && run['status'] !== 'running') return run;
    await sleep(250);
  }
}
