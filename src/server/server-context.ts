import type { FastifyReply } from 'fastify';

import type { EngineServices } from '../engine/engine-services.js';
import type { Logger } from '../log/logger.js';
import type { CredentialService } from '../service/credential-service.js';
import type { FlowService } from '../service/flow-service.js';
import type { RunExecutor } from '../service/run-executor.js';
import type { PageRequest, Store } from '../store/store.js';
import type { Caller } from './authenticate.js';
import type { RouteId } from './route-table.js';
import type { SessionStore } from './session-store.js';

/** What route handlers work with. */
export interface ServerContext {
  store: Store;
  credentials: CredentialService;
  flows: FlowService;
  runs: RunExecutor;
  services: EngineServices;
  sessions: SessionStore;
  logger: Logger;
  /** Cookies get `Secure` when the service is reached over HTTPS. */
  secureCookies: boolean;
  /** Where run locks and the state of file destinations live. */
  dataDir: string;
}

/** One request as a handler sees it. `caller` is null only on public routes. */
export interface RouteInput {
  caller: Caller | null;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  ip: string;
  reply: FastifyReply;
}

/** Returns the answer's body (undefined for 204); the status comes from the route table. */
export type RouteHandler = (input: RouteInput) => Promise<unknown>;

export type RouteHandlers = Record<RouteId, RouteHandler>;

/** `limit` and `cursor` from a query string. */
export function pageOf(query: RouteInput['query']): PageRequest {
  const page: PageRequest = {};
  if (query['limit'] !== undefined) page.limit = Number(query['limit']);
  if (query['cursor'] !== undefined) page.cursor = query['cursor'];
  return page;
}

/** The id path parameter. */
export function idOf(input: RouteInput): string {
  return input.params['id'] ?? '';
}

/** The caller of an authenticated route. */
export function callerOf(input: RouteInput): Caller {
  if (input.caller === null) throw new Error('an authenticated route ran without a caller');
  return input.caller;
}
