import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { hotjarTemplates } from '../../connectors/hotjar/template-registry.js';
import { createDestination } from '../../destinations/create-destination.js';
import type { RunningEmulator } from '../../emulator/start-emulator.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import { validateFlow } from '../../source/load-flow.js';
import type { FlowConfig } from '../../source/schema/flow-schema.js';
import { createEngineServices } from '../create-engine-services.js';
import type { EngineServices } from '../engine-services.js';
import { runFlow } from '../run-flow.js';
import type { RunSummary } from '../run-summary.js';

/** A temp directory for one test's data. */
export function tempDir(prefix = 'hf-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface EmulatorFlowOptions {
  emulator: RunningEmulator;
  dbPath: string;
  template?: string;
  params?: Record<string, string | number | boolean>;
  write?: 'append' | 'upsert' | 'replace';
  table?: string;
  name?: string;
  extra?: Record<string, unknown>;
}

/** A flow reading the emulator into a SQLite file, as a user would write it. */
export function emulatorFlow(options: EmulatorFlowOptions): FlowConfig {
  return validateFlow(
    {
      version: 1,
      name: options.name ?? 'test-flow',
      source: {
        type: 'hotjar',
        credential: {
          type: 'hotjar',
          client_id: options.emulator.clientId,
          client_secret: options.emulator.clientSecret,
        },
        template: options.template ?? 'survey_responses',
        params: options.params ?? { site_id: options.emulator.siteId },
        base_url: options.emulator.url,
        ...options.extra,
      },
      destination: {
        type: 'sqlite',
        path: options.dbPath,
        table: options.table ?? 'rows',
        write: options.write ?? 'append',
      },
    },
    null,
  );
}

/** Runs a flow in this process with fresh services (or the given ones), like one CLI run. */
export async function runInProcess(
  flow: FlowConfig,
  options: { services?: EngineServices; logger?: Logger; dataDir?: string } = {},
): Promise<RunSummary> {
  const logger = options.logger ?? silentLogger();
  const services =
    options.services ?? createEngineServices({ logger, templates: hotjarTemplates() });
  const destination = createDestination(flow.destination, {
    dataDir: options.dataDir ?? tempDir(),
    logger,
  });
  try {
    return await runFlow({ flow, services, destination, logger });
  } finally {
    await destination.close();
    if (options.services === undefined) await services.http.close();
  }
}

/** Every row of a table, ordered by a column. */
export function readRows(dbPath: string, table: string, orderBy = 'id'): Record<string, unknown>[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM "${table}" ORDER BY "${orderBy}"`).all() as Record<
      string,
      unknown
    >[];
  } finally {
    db.close();
  }
}

/** Reads every response of every survey straight from the emulator's API, as the truth to compare with. */
export async function allResponseIds(emulator: RunningEmulator): Promise<string[]> {
  const token = await fetchToken(emulator);
  const surveys = await fetchAll(emulator, token, `/v1/sites/${emulator.siteId}/surveys`);
  const ids: string[] = [];
  for (const survey of surveys) {
    const responses = await fetchAll(
      emulator,
      token,
      `/v1/sites/${emulator.siteId}/surveys/${String(survey['id'])}/responses`,
    );
    ids.push(...responses.map((r) => String(r['id'])));
  }
  return ids.sort();
}

/** Every answer of every response, as `response_id/question_id`, straight from the API. */
export async function allAnswerKeys(emulator: RunningEmulator): Promise<string[]> {
  const token = await fetchToken(emulator);
  const surveys = await fetchAll(emulator, token, `/v1/sites/${emulator.siteId}/surveys`);
  const keys: string[] = [];
  for (const survey of surveys) {
    const path = `/v1/sites/${emulator.siteId}/surveys/${String(survey['id'])}/responses`;
    for (const response of await fetchAll(emulator, token, path)) {
      const answers = (response['answers'] ?? []) as { question_id: unknown }[];
      keys.push(...answers.map((a) => `${String(response['id'])}/${String(a.question_id)}`));
    }
  }
  return keys.sort();
}

async function fetchToken(emulator: RunningEmulator): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: emulator.clientId,
    client_secret: emulator.clientSecret,
  });
  const response = await fetch(`${emulator.url}/v1/oauth/token`, { method: 'POST', body });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function fetchAll(
  emulator: RunningEmulator,
  token: string,
  path: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const url = new URL(emulator.url + path);
    url.searchParams.set('limit', '100');
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as {
      results: Record<string, unknown>[];
      next_cursor: string | null;
    };
    out.push(...page.results);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return out;
}
