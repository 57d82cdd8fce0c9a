import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

import { AuthError, ForbiddenError, HttpStatusError } from '../errors/errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { createSystemClock, type Clock } from './clock.js';
import { upstreamMessage } from './describe-response.js';
import {
  describeRequest,
  details,
  errorText,
  finalError,
  safeUrl,
  secretsOf,
  statusMessage,
  type Exchange,
} from './exchange.js';
import type {
  Authenticator,
  BodyConsumer,
  HttpCounters,
  HttpRequest,
  HttpResponse,
} from './http-types.js';
import type { RateBudget } from './rate-budget.js';
import { redactSecrets } from './redact-secrets.js';
import { isFollowableRedirect, redirectedRequest } from './redirect.js';
import {
  decideRetry,
  type AttemptOutcome,
  type RetryDecision,
  type RetryOptions,
} from './retry-policy.js';
import { sendAttempt, type AttemptResult } from './send-attempt.js';

export interface HttpClientOptions {
  /** Where HTTP_PROXY / HTTPS_PROXY / NO_PROXY are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Keep-alive connections per origin. Default 16. */
  connectionsPerOrigin?: number;
  /** Default logger for `send` calls that bring none. */
  logger?: Logger;
  clock?: Clock;
  /** Jitter source for backoff. Default `Math.random`. */
  random?: () => number;
}

export interface SendOptions {
  /** The credential; applied only to URLs it `appliesTo`. */
  auth?: Authenticator;
  /** The budget of the request's origin; `null` or absent: none. */
  budget?: RateBudget | null;
  counters?: HttpCounters;
  /** Aborting it ends the call with RunCancelledError. */
  signal?: AbortSignal;
  /** Per attempt, headers and body included. Default 30 s. */
  timeoutMs?: number;
  /** Largest body accepted, wire or decoded. Default 256 MiB. */
  maxBodyBytes?: number;
  /** Default: the client's logger. */
  logger?: Logger;
  /** Fields added to every log line (flow, run, stream, page …). */
  context?: Record<string, unknown>;
  /** Retry limits; `{ maxAttempts: 1 }` for calls that must never be repeated. */
  retry?: Partial<RetryOptions>;
  /** Statuses returned to the caller instead of raised (e.g. a token endpoint's 400/401). */
  passStatuses?: readonly number[];
  /** Redirects followed, each re-checked against the credential's origins. Default 5. */
  maxRedirects?: number;
  /** More values to mask in messages and logs (e.g. a client secret sent in the body). */
  secrets?: readonly string[];
  /** Reads a 2xx body as a stream (see BodyConsumer); the returned answer then has no body. */
  consumeBody?: BodyConsumer;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const USER_AGENT = 'hotjar-flow';

/** What one attempt sends on top of the request: the credential, applied. */
interface Prepared {
  url: string;
  headers: Record<string, string>;
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'];

/**
 * A keep-alive agent, or one that goes through the proxies named by HTTP_PROXY / HTTPS_PROXY and
 * skips those NO_PROXY names. Extra CA certificates come from NODE_EXTRA_CA_CERTS, which Node.js
 * adds to every TLS connection of the process.
 */
function createDispatcher(connections: number, env: NodeJS.ProcessEnv): Dispatcher {
  if (!PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '')) return new Agent({ connections });

  const pick = (upper: string, lower: string): string | undefined => env[upper] ?? env[lower];
  const httpProxy = pick('HTTP_PROXY', 'http_proxy');
  const httpsProxy = pick('HTTPS_PROXY', 'https_proxy');
  const noProxy = pick('NO_PROXY', 'no_proxy');
  return new EnvHttpProxyAgent({
    connections,
    ...(httpProxy === undefined ? {} : { httpProxy }),
    ...(httpsProxy === undefined ? {} : { httpsProxy }),
    ...(noProxy === undefined ? {} : { noProxy }),
  });
}

/**
 * Sends requests with retries, a rate budget, a credential bound to its origins, and one
 * refresh-and-replay on 401. One undici Agent (keep-alive) per client; `close()` when done.
 */
export class HttpClient {
  private readonly agent: Dispatcher;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly warnedOrigins = new WeakMap<Authenticator, Set<string>>();

  constructor(options: HttpClientOptions = {}) {
    this.agent = createDispatcher(options.connectionsPerOrigin ?? 16, options.env ?? process.env);
    this.logger = options.logger ?? silentLogger();
    this.clock = options.clock ?? createSystemClock();
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends one logical request and returns its fully read answer (2xx, a 3xx that is not followed,
   * or a status listed in `passStatuses`). Throws AuthError (401 after one refresh), ForbiddenError
   * (403), HttpStatusError (other 4xx, too many redirects), RetriesExhaustedError, NetworkError,
   * ResponseTooLargeError or RunCancelledError. Messages carry no secret.
   */
  async send(request: HttpRequest, options: SendOptions = {}): Promise<HttpResponse> {
    const exchange: Exchange = {
      request,
      options,
      logger: options.logger ?? this.logger,
      originalOrigin: new URL(request.url).origin,
      startedAt: this.clock.now(),
      failures: 0,
      redirects: 0,
      refreshedJustNow: false,
    };

    for (;;) {
      const done = await this.step(exchange);
      if (done !== undefined) return done;
    }
  }

  /** Releases the connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One attempt and what follows from it: a final answer, or `undefined` to go round again. */
  private async step(exchange: Exchange): Promise<HttpResponse | undefined> {
    const { options } = exchange;
    const prepared = await this.prepare(exchange);
    const result = await this.attempt(exchange, prepared);

    if (result.kind === 'response') {
      const res = result.response;
      if (isFollowableRedirect(res)) return this.followRedirect(exchange, res);
      if (res.status === 401 && !(options.passStatuses ?? []).includes(401)) {
        await this.refreshAfter401(exchange, res, prepared.headers);
        return undefined;
      }

      exchange.refreshedJustNow = false;
      if (res.status < 400 || (options.passStatuses ?? []).includes(res.status)) return res;
      if (res.status === 403) {
        throw new ForbiddenError(statusMessage(exchange, res), details(exchange, res));
      }
    }

    const outcome = toOutcome(result);
    exchange.failures += 1;
    const decision = decideRetry({
      attempt: exchange.failures,
      elapsedMs: this.clock.now() - exchange.startedAt,
      outcome,
      random: this.random,
      nowMs: this.clock.now(),
      ...(options.retry === undefined ? {} : { options: options.retry }),
    });
    if (!decision.retry) throw finalError(exchange, result, decision);

    await this.waitBeforeRetry(exchange, result, decision);
    return undefined;
  }

  /**
   * Takes a budget slot (the budget belongs to the first URL's origin, so a redirect elsewhere
   * does not spend it) and applies the credential if it belongs to the URL's origin. The
   * credential's query parameters go on the sent URL only, never on `exchange.request`, so they
   * cannot leak through `HttpResponse.url`.
   */
  private async prepare(exchange: Exchange): Promise<Prepared> {
    const { options } = exchange;
    const url = new URL(exchange.request.url);
    if (url.origin === exchange.originalOrigin) await options.budget?.acquire(options.signal);

    if (options.auth === undefined) return { url: url.toString(), headers: {} };
    if (!options.auth.appliesTo(url)) {
      this.warnForeignOrigin(exchange, options.auth, url);
      return { url: url.toString(), headers: {} };
    }

    const applied = await options.auth.authorize(url);
    for (const [name, value] of Object.entries(applied.query)) url.searchParams.set(name, value);
    return { url: url.toString(), headers: applied.headers };
  }

  private async attempt(exchange: Exchange, prepared: Prepared): Promise<AttemptResult> {
    const { request, options } = exchange;
    const counters = options.counters;
    if (counters !== undefined) counters.requests += 1;

    const headers = {
      'accept-encoding': 'gzip, deflate',
      'user-agent': USER_AGENT,
      ...lowerKeys(request.headers),
      ...lowerKeys(prepared.headers),
    };
    const result = await sendAttempt(
      { ...request, url: prepared.url, headers },
      {
        dispatcher: this.agent,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        signal: options.signal,
        onBytes: (count) => {
          if (counters !== undefined) counters.bytes += count;
        },
        describe: () => describeRequest(exchange),
        consumeBody: options.consumeBody,
      },
    );
    if (result.kind === 'response') result.response.url = request.url;
    return result;
  }

  private followRedirect(exchange: Exchange, res: HttpResponse): undefined {
    exchange.redirects += 1;
    const limit = exchange.options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    if (exchange.redirects > limit) {
      const message = `${describeRequest(exchange)}: more than ${limit} redirects`;
      throw new HttpStatusError(res.status, message, details(exchange, res));
    }

    exchange.request = redirectedRequest(exchange.request, res);
    return undefined;
  }

  /** The one refresh-and-replay: a second 401 right after a refresh is final. */
  private async refreshAfter401(
    exchange: Exchange,
    res: HttpResponse,
    authHeaders: Record<string, string>,
  ): Promise<void> {
    const { auth } = exchange.options;
    const url = new URL(exchange.request.url);
    const what = statusMessage(exchange, res);
    if (auth === undefined || !auth.appliesTo(url)) {
      throw new AuthError(`${what} (no credential is sent to this origin)`, details(exchange, res));
    }
    if (exchange.refreshedJustNow) {
      throw new AuthError(
        `${what} (again, right after the credential was renewed)`,
        details(exchange, res),
      );
    }

    if (!(await auth.refresh(authHeaders))) {
      throw new AuthError(`${what} (the credential was refused)`, details(exchange, res));
    }
    exchange.refreshedJustNow = true;
    exchange.logger.info(this.logFields(exchange, { status: 401 }), 'credential renewed after 401');
  }

  private async waitBeforeRetry(
    exchange: Exchange,
    result: AttemptResult,
    decision: RetryDecision,
  ): Promise<void> {
    const { options } = exchange;
    const status = result.kind === 'response' ? result.response.status : undefined;
    const upstream =
      result.kind === 'response'
        ? upstreamMessage(result.response, secretsOf(exchange))
        : redactSecrets(errorText(result.error), secretsOf(exchange));
    exchange.logger.warn(
      this.logFields(exchange, {
        reason: decision.reason,
        status: status ?? (result.kind === 'failure' ? result.failure : undefined),
        attempt: exchange.failures,
        waitMs: decision.waitMs,
        upstream,
      }),
      'retrying request',
    );

    if (options.counters !== undefined) options.counters.retries += 1;
    if (status === 429) options.budget?.penalize(decision.waitMs);
    await this.clock.sleep(decision.waitMs, options.signal);
  }

  private warnForeignOrigin(exchange: Exchange, auth: Authenticator, url: URL): void {
    const warned = this.warnedOrigins.get(auth) ?? new Set<string>();
    this.warnedOrigins.set(auth, warned);
    if (warned.has(url.origin)) return;

    warned.add(url.origin);
    exchange.logger.warn(
      { ...exchange.options.context, origin: url.origin, url: safeUrl(exchange) },
      'credential not sent: the URL is outside the credential origins',
    );
  }

  private logFields(exchange: Exchange, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      ...exchange.options.context,
      ...fields,
      method: exchange.request.method,
      url: safeUrl(exchange),
    };
  }
}

function toOutcome(result: AttemptResult): AttemptOutcome {
  if (result.kind === 'failure') return { kind: 'network', failure: result.failure };
  return { kind: 'status', status: result.response.status, headers: result.response.headers };
}

function lowerKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}
