import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { hotjarTemplates } from '../../connectors/hotjar/template-registry.js';
import { startEmulator, type RunningEmulator } from '../../emulator/start-emulator.js';
import { createEngineServices } from '../../engine/create-engine-services.js';
import { silentLogger } from '../../log/logger.js';
import type { Role, Store } from '../../store/store.js';
import type { StoreBackend, StoreTarget } from '../../store/test-support/store-backends.js';
import { CredentialVault } from '../../vault/credential-vault.js';
import { loadMasterKey } from '../../vault/master-key.js';
import type { Installation } from '../../service/installation-hooks.js';
import { buildServer, type HotjarFlowServer } from '../build-server.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Raw body text (sent as JSON content type). */
  raw?: string;
  headers?: Record<string, string>;
}

/**
 * The service in-process on port 0 over a real store, with the emulator beside it. Every answer
 * is kept, so a suite can check at the end that none holds a secret it used.
 */
export class ApiHarness {
  readonly answers: { request: string; text: string }[] = [];
  readonly secrets: string[] = [ADMIN_TOKEN];
  readonly tokens = new Map<Role, string>();
  readonly passwords = new Map<Role, string>();
  server!: HotjarFlowServer;
  store!: Store;
  url = '';
  private services = createEngineServices({ logger: silentLogger(), templates: hotjarTemplates() });

  private constructor(
    readonly emulator: RunningEmulator,
    readonly target: StoreTarget,
    readonly dataDir: string,
  ) {
    this.secrets.push(emulator.clientSecret);
  }

  static async start(
    backend: StoreBackend,
    emulatorLatencyMs = 0,
    installationFactory?: (store: Store) => Installation,
    storeNow?: () => Date,
  ): Promise<ApiHarness> {
    const emulator = await startEmulator({
      surveys: 2,
      responses: 120,
      latencyMs: emulatorLatencyMs,
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'hotjar-flow-api-'));
    const harness = new ApiHarness(emulator, await backend.fresh(), dataDir);
    harness.installationFactory = installationFactory;
    harness.storeNow = storeNow;
    await harness.open();
    await harness.makeRoleTokens();
    return harness;
  }

  get filesRoot(): string {
    return join(this.dataDir, 'files');
  }

  /** The store's clock; default the system's. */
  storeNow: (() => Date) | undefined;
  /** When set, each `open` joins a scheduler and notifier made by it, as `serve` does. */
  installationFactory: ((store: Store) => Installation) | undefined;
  installation: Installation | undefined;

  /** Builds and starts the service on the store (again, after `stop`). */
  async open(): Promise<void> {
    this.store = await this.target.open(this.storeNow === undefined ? {} : { now: this.storeNow });
    this.services = createEngineServices({ logger: silentLogger(), templates: hotjarTemplates() });
    this.installation = this.installationFactory?.(this.store);
    this.server = await buildServer({
      ...(this.installation === undefined ? {} : { hooks: this.installation.hooks }),
      store: this.store,
      vault: new CredentialVault(loadMasterKey({ dataDir: this.dataDir, env: {} }).key),
      services: this.services,
      dataDir: this.dataDir,
      filesRoot: this.filesRoot,
      logger: silentLogger(),
      adminToken: ADMIN_TOKEN,
    });
    this.url = await this.server.listen({ port: 0, host: '127.0.0.1' });
    await this.installation?.start(this.server.runs);
  }

  /** Stops the service and closes the store (a restart is `stop` then `open`). */
  async stop(graceMs = 5000): Promise<void> {
    await this.installation?.stopScheduling();
    await this.server.close(graceMs);
    await this.installation?.stopNotifying();
    await this.services.http.close();
    await this.target.closeAll();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.emulator.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** One HTTP request; the admin token unless `token` says otherwise (null: none). */
  async call(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer> {
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    const headers: Record<string, string> = { ...options.headers };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    const body =
      options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] = 'application/json';

    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    this.answers.push({
      request: `${method} ${path}`,
      text: `${JSON.stringify([...response.headers])}${text}`,
    });
    return {
      status: response.status,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      text,
      headers: response.headers,
    };
  }

  /** Answers that hold any of the secrets used (none should). */
  leaks(): { request: string; secret: string }[] {
    const found: { request: string; secret: string }[] = [];
    for (const answer of this.answers) {
      for (const secret of this.secrets) {
        if (answer.text.includes(secret))
          found.push({ request: answer.request, secret: `${secret.slice(0, 4)}…` });
      }
    }
    return found;
  }

  /** A credential for the emulator, stored over the API. */
  async createCredential(name = 'hotjar-main'): Promise<{ id: string }> {
    const answer = await this.call('POST', '/api/credentials', {
      body: {
        name,
        type: 'hotjar',
        client_id: this.emulator.clientId,
        client_secret: this.emulator.clientSecret,
        base_url: this.emulator.url,
        site_id: this.emulator.siteId,
      },
    });
    if (answer.status !== 201) throw new Error(`credential not created: ${answer.text}`);
    return answer.body as { id: string };
  }

  /** A survey-responses flow into SQLite inside the files root. */
  flowFile(name: string, credential: string, path = 'hotjar.db'): Record<string, unknown> {
    return {
      version: 1,
      name,
      source: {
        type: 'hotjar',
        credential,
        template: 'survey_responses',
        params: { site_id: this.emulator.siteId },
        base_url: this.emulator.url,
        sync: 'incremental',
        rate_limit: 'off',
      },
      destination: { type: 'sqlite', path, table: 'survey_responses', write: 'upsert' },
    };
  }

  /** Polls a run until it has finished. */
  async finishedRun(runId: string): Promise<Record<string, unknown>> {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const answer = await this.call('GET', `/api/runs/${runId}`);
      const run = answer.body as Record<string, unknown>;
      if (!['queued', 'running'].includes(String(run['status']))) return run;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${runId} did not finish`);
  }

  private async makeRoleTokens(): Promise<void> {
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      const password = `${role}-password-${Math.random().toString(36).slice(2)}`;
      const user = await this.store.createUser({ username: `${role}-user`, password, role });
      const { secret } = await this.store.createApiToken({
        user_id: user.id,
        name: `${role} token`,
      });
      this.tokens.set(role, secret);
      this.passwords.set(role, password);
      this.secrets.push(secret, password);
    }
  }

  /** The token of a user with this role. */
  tokenOf(role: Role): string {
    const token = this.tokens.get(role);
    if (token === undefined) throw new Error(`no ${role} token`);
    return token;
  }
}
