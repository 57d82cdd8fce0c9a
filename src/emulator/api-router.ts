import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  codeForStatus,
  errorReply,
  htmlReply,
  type ApiReply,
  type ApiRequest,
} from './api-reply.js';
import type { EmulatorContext } from './emulator-context.js';
import type { FiredFaults } from './fault-injector.js';
import { getSurvey, listResponses, listSurveys } from './survey-endpoints.js';
import { handleTokenRequest } from './token-endpoint.js';
import { userLookup } from './user-lookup-endpoint.js';

type Handler = (
  context: EmulatorContext,
  request: ApiRequest,
  faults: FiredFaults | null,
) => ApiReply;

interface Route {
  /** The route template, the key of `by_route` in the stats. */
  name: string;
  method: string;
  isToken: boolean;
  handle: Handler;
}

function segments(pathname: string): string[] | null {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return null;
  }
}

function route(name: string, handle: Handler): Route {
  const [method = 'GET'] = name.split(' ');
  return { name, method, isToken: name.endsWith('/oauth/token'), handle };
}

/** The route for a path, or null. Segments arrive URL-decoded. */
function matchRoute(pathname: string): Route | null {
  const parts = segments(pathname);
  if (parts === null || parts[0] !== 'v1') {
    return null;
  }

  const [, a, b, c, d, e, f] = parts;
  const n = parts.length;
  if (n === 3 && a === 'oauth' && b === 'token') {
    return route('POST /v1/oauth/token', (ctx, req) => handleTokenRequest(ctx, req));
  }

  if (n === 4 && a === 'organizations' && b && c === 'user-lookup') {
    return route('POST /v1/organizations/{organization_id}/user-lookup', (ctx, req) =>
      userLookup(ctx, req, b),
    );
  }

  if (a !== 'sites' || !b || c !== 'surveys') {
    return null;
  }

  if (n === 4) {
    return route('GET /v1/sites/{site_id}/surveys', (ctx, req, faults) =>
      listSurveys(ctx, req, { siteId: b, faults }),
    );
  }

  if (n === 5 && d) {
    return route('GET /v1/sites/{site_id}/surveys/{survey_id}', (ctx, req, faults) =>
      getSurvey(ctx, req, { siteId: b, surveyId: d, faults }),
    );
  }

  return n === 6 && d && e === 'responses' && f === undefined
    ? route('GET /v1/sites/{site_id}/surveys/{survey_id}/responses', (ctx, req, faults) =>
        listResponses(ctx, req, { siteId: b, surveyId: d, faults }),
      )
    : null;
}

function retryAfterValue(context: EmulatorContext, waitMs: number): Record<string, string> {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  switch (context.settings.retryAfter) {
    case 'omit':
      return {};
    case 'http-date':
      return { 'retry-after': new Date(Date.now() + seconds * 1000).toUTCString() };
    default:
      return { 'retry-after': String(seconds) };
  }
}

function rateLimited(context: EmulatorContext, request: ApiRequest): ApiReply | null {
  const decision = context.limiter?.check(request.client) ?? { allowed: true };
  if (decision.allowed) {
    return null;
  }

  context.stats.rateLimited();
  return errorReply(context.settings.errorFormat, {
    status: 429,
    code: 'rate_limited',
    message: 'too many requests from this address; slow down',
    headers: retryAfterValue(context, decision.retryAfterMs),
  });
}

function injectedError(context: EmulatorContext, faults: FiredFaults, status: number): ApiReply {
  return faults.html
    ? htmlReply(status)
    : errorReply(context.settings.errorFormat, {
        status,
        code: codeForStatus(status),
        message: `the server answered ${status}`,
      });
}

function answer(
  context: EmulatorContext,
  request: ApiRequest,
  faults: FiredFaults | null,
): ApiReply {
  const found = matchRoute(request.pathname);
  if (found === null) {
    return errorReply(context.settings.errorFormat, {
      status: 404,
      code: 'not_found',
      message: 'no such endpoint',
    });
  }

  if (found.method !== request.method) {
    return {
      ...errorReply(context.settings.errorFormat, {
        status: 405,
        code: 'method_not_allowed',
        message: `use ${found.method}`,
      }),
      headers: { allow: found.method },
    };
  }

  const status = faults?.status;
  if (faults !== null && status !== undefined && status >= 400) {
    return injectedError(context, faults, status);
  }

  const reply = found.handle(context, request, faults);
  if (faults === null) {
    return reply;
  }

  const shaped = faults.html && reply.status < 400 ? htmlReply(status ?? reply.status) : reply;
  return status === undefined ? shaped : { ...shaped, status };
}

/** Writes a reply; with `truncate`, half the body and then the connection ends. */
export function writeReply(response: ServerResponse, reply: ApiReply, truncate = false): void {
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.status !== 204) {
    headers['content-type'] = reply.contentType;
    headers['content-length'] = Buffer.byteLength(reply.body);
  }

  response.writeHead(reply.status, headers);
  if (!truncate) {
    response.end(reply.status === 204 ? undefined : reply.body);
    return;
  }

  const body = Buffer.from(reply.body);
  response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.socket?.end());
}

/** One API request: stats, rate limit, latency, faults, then the endpoint. */
export async function handleApiRequest(
  context: EmulatorContext,
  request: ApiRequest,
  response: ServerResponse,
): Promise<void> {
  const name = matchRoute(request.pathname)?.name ?? `${request.method} (unknown)`;
  const isToken = name.endsWith('/oauth/token');
  context.stats.request(name, isToken);

  const limited = rateLimited(context, request);
  if (limited !== null) {
    context.stats.status(limited.status);
    writeReply(response, limited);
    return;
  }

  await delay(context.settings.latencyMs);
  const faults = context.faults.evaluate(request.target, isToken);
  if (faults !== null) {
    context.stats.faultFired();
    await delay(faults.slowMs);
  }

  if (faults?.reset === true) {
    context.stats.reset();
    response.socket?.destroy();
    return;
  }

  const reply = answer(context, request, faults);
  const retryAfter = faults?.retryAfter;
  const headers =
    retryAfter === undefined ? reply.headers : { ...reply.headers, 'retry-after': retryAfter };
  context.stats.status(reply.status);
  context.logger.debug(
    { route: name, status: reply.status, faults: faults !== null },
    'emulator request',
  );
  writeReply(
    response,
    { ...reply, ...(headers === undefined ? {} : { headers }) },
    faults?.truncate,
  );
}

async function delay(ms: number): Promise<void> {
  if (ms > 0) {
    await sleep(ms);
  }
}
