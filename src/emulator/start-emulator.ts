import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { silentLogger, type Logger } from '../log/logger.js';
import { handleApiRequest, writeReply } from './api-router.js';
import type { ApiRequest } from './api-reply.js';
import { CONTROL_PREFIX, handleControlRequest } from './control-router.js';
import { CursorCodec } from './cursor-codec.js';
import { deriveKey } from './derive-key.js';
import { EmulatorClock } from './emulator-clock.js';
import type { EmulatorContext, LookupEntry, TokenResponseVariant } from './emulator-context.js';
import {
  EmulatorModel,
  type CreateKeyOptions,
  type CreateOrganizationOptions,
} from './emulator-model.js';
import { resolveSettings } from './emulator-options.js';
import { EmulatorStats, type StatsSnapshot } from './emulator-stats.js';
import { FaultInjector, type FaultState } from './fault-injector.js';
import { parseFault, type FaultSpec } from './fault-spec.js';
import type { Organization } from './model-types.js';
import { SlidingWindowLimiter } from './sliding-window-limiter.js';
import { PageCache } from './page-cache.js';

/** Memory for finished response pages: ~1,600 pages of 100 realistic responses. */
const DEFAULT_PAGE_CACHE_MB = 256;

export interface EmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 1. One seed gives byte-identical pages (cursors included) in any process. */
  seed?: number;
  /** Sites of the first organization; default 1. */
  sites?: number;
  /** Surveys per site; default 3. */
  surveys?: number;
  /** Responses per survey, exactly; default 250. */
  responses?: number;
  /** Requests per 60 s window per client address (token requests count too); default 3000; null = off. */
  rateLimit?: number | null;
  /** How a 429 says when to come back; default `seconds`. */
  retryAfter?: 'seconds' | 'http-date' | 'omit';
  /** Body of API errors: `{"error","message"}` (default), `{"msg"}` or plain text. */
  errorFormat?: 'error' | 'msg' | 'text';
  /** `limit` outside 1–100: 400 (`reject`, default) or clamped. */
  limitMode?: 'reject' | 'clamp';
  /** Status of a successful user lookup; default 200 with `{}`. */
  lookupStatus?: 200 | 201 | 202 | 204;
  /** Added to each API request; default 0. */
  latencyMs?: number;
  /** Memory for finished response pages, reused while a survey is unchanged; default 256. */
  pageCacheMb?: number;
  /** Access-token lifetime in seconds; default 3600. */
  tokenTtl?: number;
  /** Test-only variants of the token answer; default `standard`. */
  tokenResponse?: TokenResponseVariant;
  /** Response ids and one attribute above 2^53 (exact JSON integers); default false. */
  bigIds?: boolean;
  /** Faults active from the start (see `parseFault`). */
  faults?: FaultSpec[];
  /** Plan of the first organization; default `ask_scale`. */
  plan?: 'ask_scale' | 'observe_scale';
  /** Default: silent. */
  logger?: Logger;
}

export interface RunningEmulator {
  /** The origin, e.g. `http://127.0.0.1:40123` (no trailing slash, no `/v1`). */
  url: string;
  clientId: string;
  clientSecret: string;
  organizationId: string;
  /** The first site of the first organization. */
  siteId: string;
  /** The organizations, sites, surveys and keys: tests may create more. */
  model: EmulatorModel;
  createOrganization(options?: CreateOrganizationOptions): Organization;
  /** A new API key; `{ clientId, clientSecret }` for the token endpoint. */
  createKey(options: CreateKeyOptions): { clientId: string; clientSecret: string };
  addResponses(count: number, surveyId?: string): number;
  addFault(fault: FaultSpec | string): void;
  clearFaults(): void;
  faults(): FaultState[];
  advanceClock(seconds: number): void;
  now(): Date;
  stats(): StatsSnapshot;
  resetStats(): void;
  lookups(): LookupEntry[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }

  return Buffer.concat(chunks);
}

async function toApiRequest(request: IncomingMessage): Promise<ApiRequest> {
  const target = request.url ?? '/';
  const question = target.indexOf('?');
  return {
    method: request.method ?? 'GET',
    pathname: question === -1 ? target : target.slice(0, question),
    query: new URLSearchParams(question === -1 ? '' : target.slice(question + 1)),
    headers: request.headers,
    body:
      request.method === 'GET' || request.method === 'HEAD'
        ? Buffer.alloc(0)
        : await readBody(request),
    target,
    client: request.socket.remoteAddress ?? 'unknown',
  };
}

async function route(
  context: EmulatorContext,
  incoming: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const request = await toApiRequest(incoming);
  if (request.pathname.startsWith(CONTROL_PREFIX)) {
    writeReply(response, handleControlRequest(context, request));
    return;
  }

  await handleApiRequest(context, request, response);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function buildContext(options: EmulatorOptions, origin: string): EmulatorContext {
  const settings = resolveSettings(options);
  const seed = options.seed ?? 1;
  const clock = new EmulatorClock();
  const context: EmulatorContext = {
    settings,
    clock,
    model: new EmulatorModel({ seed, origin, clock, bigIds: settings.bigIds }),
    cursors: new CursorCodec(deriveKey(seed, 'cursor')),
    stats: new EmulatorStats(),
    faults: new FaultInjector(seed),
    limiter:
      options.rateLimit === null
        ? null
        : new SlidingWindowLimiter(options.rateLimit ?? 3000, () => clock.nowMs()),
    lookups: [],
    logger: options.logger ?? silentLogger(),
    pages: new PageCache((options.pageCacheMb ?? DEFAULT_PAGE_CACHE_MB) * 1024 * 1024),
  };
  (options.faults ?? []).forEach((fault) => context.faults.add(fault));
  return context;
}

/**
 * Starts the Hotjar API emulator on `host:port` with a first organization (the given plan and
 * sites) whose key has every scope, plus a second organization so that foreign sites answer 404.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  resolveSettings(options);
  // The model needs the origin (for `responses_url`), known only once the server listens.
  const ready: { context?: EmulatorContext } = {};
  const server = createServer({ keepAliveTimeout: 30_000 }, (incoming, response) => {
    const context = ready.context;
    if (context === undefined) {
      response.writeHead(503).end();
      return;
    }

    route(context, incoming, response).catch((error: unknown) => {
      context.logger.error({ err: error }, 'emulator request failed');
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end('internal emulator error');
      }
    });
  });

  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const url = `http://${hostOf(server)}`;
  ready.context = buildContext(options, url);
  return running(ready.context, { server, url }, options);
}

function running(
  context: EmulatorContext,
  { server, url }: { server: Server; url: string },
  options: EmulatorOptions,
): RunningEmulator {
  const { model } = context;
  const first = model.createOrganization({
    plan: options.plan ?? 'ask_scale',
    ...pick(options, ['sites', 'surveys', 'responses']),
  });
  model.createOrganization({ plan: 'ask_scale', sites: 1, surveys: 1, responses: 25 });
  const key = model.createKey({ organizationId: first.id });
  context.logger.info({ url, seed: model.seed }, 'emulator listening');

  return {
    url,
    clientId: key.clientId,
    clientSecret: key.clientSecret,
    organizationId: first.id,
    siteId: first.sites[0]?.id ?? '',
    model,
    createOrganization: (organization) => model.createOrganization(organization),
    createKey: (keyOptions) => model.createKey(keyOptions),
    addResponses: (count, surveyId) => addResponses(context, count, surveyId),
    addFault: (fault) => context.faults.add(typeof fault === 'string' ? parseFault(fault) : fault),
    clearFaults: () => context.faults.clear(),
    faults: () => context.faults.list(),
    advanceClock: (seconds) => context.clock.advance(seconds),
    now: () => new Date(context.clock.nowMs()),
    stats: () => context.stats.snapshot(),
    resetStats: () => context.stats.clear(),
    lookups: () => structuredClone(context.lookups),
    close: () => close(server),
  };
}

function addResponses(context: EmulatorContext, count: number, surveyId?: string): number {
  const survey = context.model.allSurveys().find((s) => s.key === surveyId);
  if (surveyId !== undefined && survey === undefined) {
    throw new RangeError(`no survey ${surveyId}`);
  }

  return context.model.addResponses(count, survey);
}

function hostOf(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (source[key] !== undefined) {
      out[key] = source[key];
    }
  }

  return out;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
