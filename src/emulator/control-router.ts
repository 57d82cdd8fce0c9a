import { z } from 'zod';

import { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import { jsonReply, type ApiReply, type ApiRequest } from './api-reply.js';
import type { EmulatorContext } from './emulator-context.js';
import { faultFromJson } from './fault-spec.js';
import { ALL_SCOPES, PLANS } from './model-types.js';

/** The path prefix of the control endpoints: no token, no rate limit, no faults, no stats. */
export const CONTROL_PREFIX = '/__emulator/';

const AddResponses = z.strictObject({
  survey_id: z.union([z.string().min(1), z.number()]).optional(),
  count: z.number().int().min(1).max(1_000_000),
});

const AdvanceClock = z.strictObject({ advance_seconds: z.number().min(0) });

const CreateKey = z.strictObject({
  organization_id: z.string().optional(),
  plan: z.enum(PLANS).optional(),
  scopes: z.array(z.enum(ALL_SCOPES)).optional(),
  expires_in_seconds: z.number().int().optional(),
  sites: z.number().int().min(1).max(20).optional(),
  surveys: z.number().int().min(1).max(50).optional(),
  responses: z.number().int().min(0).max(1_000_000).optional(),
});

class ControlError extends HotjarFlowError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('EMULATOR_CONTROL_INVALID', message);
  }
}

function parse<T>(schema: z.ZodType<T>, request: ApiRequest): T {
  let value: unknown;
  try {
    value = request.body.length === 0 ? {} : (JSON.parse(request.body.toString('utf8')) as unknown);
  } catch {
    throw new ControlError(400, 'the body is not valid JSON');
  }

  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ControlError(
      400,
      `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid body'}`,
    );
  }

  return result.data;
}

function addResponses(context: EmulatorContext, request: ApiRequest): unknown {
  const body = parse(AddResponses, request);
  const key = body.survey_id === undefined ? undefined : String(body.survey_id);
  const survey =
    key === undefined ? undefined : context.model.allSurveys().find((s) => s.key === key);
  if (key !== undefined && survey === undefined) {
    throw new ControlError(404, `no survey ${key}`);
  }

  return { added: context.model.addResponses(body.count, survey) };
}

function addFaults(context: EmulatorContext, request: ApiRequest): unknown {
  let value: unknown;
  try {
    value = JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    throw new ControlError(400, 'the body is not valid JSON');
  }

  const specs = (Array.isArray(value) ? value : [value]).map((item) => faultFromJson(item));
  specs.forEach((spec) => context.faults.add(spec));
  return { faults: context.faults.list() };
}

function createKey(context: EmulatorContext, request: ApiRequest): unknown {
  const body = parse(CreateKey, request);
  const organization =
    body.organization_id === undefined
      ? context.model.createOrganization({
          plan: body.plan ?? 'ask_scale',
          sites: body.sites ?? 1,
          surveys: body.surveys ?? 1,
          responses: body.responses ?? 20,
        })
      : context.model.organizations.find((org) => org.id === body.organization_id);
  if (organization === undefined) {
    throw new ControlError(404, `no organization ${body.organization_id ?? ''}`);
  }

  const key = context.model.createKey({
    organizationId: organization.id,
    ...(body.scopes === undefined ? {} : { scopes: body.scopes }),
    ...(body.expires_in_seconds === undefined ? {} : { expiresInSeconds: body.expires_in_seconds }),
  });
  return {
    client_id: key.clientId,
    client_secret: key.clientSecret,
    organization_id: organization.id,
    site_id: organization.sites[0]?.id ?? null,
    plan: organization.plan,
    scopes: [...key.scopes],
    expires_at: new Date(key.expiresMs).toISOString(),
  };
}

function now(context: EmulatorContext): unknown {
  return { now: new Date(context.clock.nowMs()).toISOString() };
}

type ControlHandler = (context: EmulatorContext, request: ApiRequest) => unknown;

const ROUTES: Record<string, ControlHandler> = {
  'GET stats': (context) => context.stats.snapshot(),
  'POST reset-stats': (context) => (context.stats.clear(), context.stats.snapshot()),
  'POST responses': addResponses,
  'GET faults': (context) => ({ faults: context.faults.list() }),
  'POST faults': addFaults,
  'DELETE faults': (context) => (context.faults.clear(), { faults: [] }),
  'POST faults/clear': (context) => (context.faults.clear(), { faults: [] }),
  'GET clock': now,
  'POST clock': (context, request) => {
    context.clock.advance(parse(AdvanceClock, request).advance_seconds);
    return now(context);
  },
  'GET lookups': (context) => ({ lookups: context.lookups }),
  'POST keys': createKey,
};

/** Answers a request under `/__emulator/`; control errors are `{"error", "message"}`. */
export function handleControlRequest(context: EmulatorContext, request: ApiRequest): ApiReply {
  const handler = ROUTES[`${request.method} ${request.pathname.slice(CONTROL_PREFIX.length)}`];
  if (handler === undefined) {
    return jsonReply(404, { error: 'not_found', message: 'no such control endpoint' });
  }

  try {
    return jsonReply(200, handler(context, request));
  } catch (error) {
    if (error instanceof ControlError) {
      return jsonReply(error.status, { error: 'invalid_request', message: error.message });
    }

    if (error instanceof HotjarFlowError) {
      return jsonReply(400, { error: 'invalid_request', message: error.message });
    }

    throw error;
  }
}
