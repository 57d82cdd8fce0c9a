import { hostname } from 'node:os';

import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';

import type { EngineServices } from '../engine/engine-services.js';
import { PermissionDeniedError } from '../errors/errors.js';
import type { Logger } from '../log/logger.js';
import { CredentialService } from '../service/credential-service.js';
import { CredentialTester } from '../service/credential-tester.js';
import { FilesRoot } from '../service/files-root.js';
import { FlowService } from '../service/flow-service.js';
import { RunExecutor } from '../service/run-executor.js';
import type { ServiceHooks } from '../service/service-hooks.js';
import type { Store } from '../store/store.js';
import type { CredentialVault } from '../vault/credential-vault.js';
import { apiError, toApiError } from './api-error.js';
import { authenticate, type Authenticator } from './authenticate.js';
import { ROUTES, roleAllows, type RouteSpec } from './route-table.js';
import { accessRoutes } from './routes/access-routes.js';
import { credentialRoutes } from './routes/credential-routes.js';
import { flowRoutes } from './routes/flow-routes.js';
import { flowStateRoutes } from './routes/flow-state-routes.js';
import { notificationRoutes } from './routes/notification-routes.js';
import { miscRoutes } from './routes/misc-routes.js';
import type { RouteHandlers, ServerContext } from './server-context.js';
import { SessionStore } from './session-store.js';

/** The admin token must be at least this long to be accepted. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

export interface BuildServerOptions {
  store: Store;
  vault: CredentialVault;
  /** Shared by every run and test of the service: one rate budget per upstream origin. */
  services: EngineServices;
  /** Run locks and the state of file destinations. */
  dataDir: string;
  /** Where file and SQLite destinations of saved flows must live (created when missing). */
  filesRoot: string;
  logger: Logger;
  /** `HOTJAR_FLOW_ADMIN_TOKEN`; at least 16 characters, else refused. */
  adminToken?: string | null;
  clock?: () => Date;
  /** Told about finished runs, tested credentials, saved and deleted flows. */
  hooks?: ServiceHooks;
  /** The scheduler's next run times of a flow, shown on flows. */
  nextRuns?: (flowId: string) => readonly (Date | string)[];
  /** Sign-in attempts allowed per address and minute; default 10. */
  signInsPerMinute?: number;
  /** Mark the session cookie `Secure` (the service is behind HTTPS); default false. */
  secureCookies?: boolean;
}

/** The service, built and not yet listening. */
export interface HotjarFlowServer {
  app: FastifyInstance;
  routes: readonly RouteSpec[];
  runs: RunExecutor;
  context: ServerContext;
  /** Listens; resolves to the origin, e.g. `http://127.0.0.1:40123`. */
  listen(options: { port: number; host: string }): Promise<string>;
  /**
   * Stops accepting requests, lets running runs finish for up to `graceMs` (default 30 s), then
   * cancels the rest and records them as cancelled.
   */
  close(graceMs?: number): Promise<void>;
}

/** Builds the HTTP API of PRODUCT.md on fastify; tests run it in-process on port 0. */
export async function buildServer(options: BuildServerOptions): Promise<HotjarFlowServer> {
  const adminToken = checkAdminToken(options.adminToken ?? null);
  const context = buildContext(options);
  const auth: Authenticator = { store: options.store, sessions: context.sessions, adminToken };
  // pino's own type is wider than fastify's logger interface; the instance is the same.
  const loggerInstance = options.logger as unknown as FastifyBaseLogger;
  const app: FastifyInstance = Fastify({ loggerInstance });

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, limit) => ({
      statusCode: 429,
      message: `too many attempts from this address; try again in ${limit.after}`,
    }),
  });
  acceptEmptyJsonBodies(app);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply, options.logger));
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(apiError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  const handlers = allHandlers(context);
  for (const route of ROUTES as readonly RouteSpec[]) {
    registerRoute(app, route, { handlers, auth, signIns: options.signInsPerMinute ?? 10 });
  }

  return serverHandle(app, context);
}

function buildContext(options: BuildServerOptions): ServerContext {
  const hooks = options.hooks ?? {};
  const logger = options.logger;
  const tester = new CredentialTester({
    http: options.services.http,
    logger,
    ...(options.clock === undefined ? {} : { now: options.clock }),
  });
  const credentials = new CredentialService({
    store: options.store,
    vault: options.vault,
    tester,
    hooks,
    logger,
  });
  const flows = new FlowService({
    store: options.store,
    credentials,
    filesRoot: new FilesRoot(options.filesRoot),
    hooks,
    logger,
    ...(options.nextRuns === undefined ? {} : { nextRuns: options.nextRuns }),
  });
  const runs = new RunExecutor({
    store: options.store,
    services: options.services,
    flows,
    credentials,
    hooks,
    logger,
    dataDir: options.dataDir,
    instance: `serve:${hostname()}:${process.pid}`,
  });
  return {
    store: options.store,
    credentials,
    flows,
    runs,
    services: options.services,
    sessions: new SessionStore(),
    logger,
    secureCookies: options.secureCookies ?? false,
    dataDir: options.dataDir,
  };
}

function allHandlers(context: ServerContext): RouteHandlers {
  return {
    ...miscRoutes(context),
    ...accessRoutes(context),
    ...credentialRoutes(context),
    ...flowRoutes(context),
    ...flowStateRoutes(context),
    ...notificationRoutes(context),
  };
}

function registerRoute(
  app: FastifyInstance,
  route: RouteSpec,
  deps: { handlers: RouteHandlers; auth: Authenticator; signIns: number },
): void {
  const handler = deps.handlers[route.id as keyof RouteHandlers];
  const rateLimit =
    route.id === 'session.create' ? { max: deps.signIns, timeWindow: 60_000 } : false;

  app.route({
    method: route.method,
    url: route.path.replaceAll(/\{(\w+)\}/g, ':$1'),
    config: { rateLimit },
    handler: async (request, reply) => {
      const caller = route.role === 'public' ? null : await authenticate(request, deps.auth);
      if (caller !== null && !roleAllows(caller.actor.role, route.role)) {
        throw new PermissionDeniedError(
          `${route.method} ${route.path} needs the ${route.role} role`,
          {
            details: { role: caller.actor.role, needs: route.role },
          },
        );
      }

      const result = await handler({
        caller,
        params: request.params as Record<string, string>,
        query: request.query as Record<string, string | undefined>,
        body: request.body,
        ip: request.ip,
        reply,
      });
      reply.code(route.status);
      return route.status === 204 ? reply.send() : result;
    },
  });
}

/** `POST …/run` and friends accept an empty body even when it claims to be JSON. */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void json(request, text, done);
  });
}

function sendError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
): FastifyReply {
  const { status, body } = toApiError(error);
  if (status >= 500)
    logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
  return reply.code(status).send(body);
}

function checkAdminToken(token: string | null): string | null {
  if (token === null || token === '') return null;
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new RangeError(`the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  return token;
}

function serverHandle(app: FastifyInstance, context: ServerContext): HotjarFlowServer {
  return {
    app,
    routes: ROUTES,
    runs: context.runs,
    context,
    listen: async ({ port, host }) => {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    },
    close: async (graceMs = 30_000) => {
      const closing = app.close();
      await context.runs.drain(graceMs);
      await closing;
    },
  };
}
