import { z } from 'zod';

import { ROUTES, type RouteSpec } from './route-table.js';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object' },
      },
    },
  },
};

const ERROR_ANSWERS: Record<string, string> = {
  '401': 'no valid token or session',
  '403': 'the role may not, or a missing CSRF token',
  '404': 'no such resource',
  '409': 'a conflict: a name taken, a credential in use, a flow already running',
  '422': 'an invalid body; `details.issues` lists `{code, path, message}`',
};

/**
 * The OpenAPI 3.1 document of the service, generated from the route table: every route, its
 * least role, its body schema (from the same zod schemas the handlers parse with) and its answers.
 */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES as readonly RouteSpec[]) {
    paths[route.path] ??= {};
    const entry = paths[route.path];
    if (entry !== undefined) entry[route.method.toLowerCase()] = operation(route);
  }

  return {
    openapi: '3.1.0',
    info: { title: 'hotjar-flow', version: '1', description: 'Flows, credentials and runs.' },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'an hjf_ API token or the admin token',
        },
        session: { type: 'apiKey', in: 'cookie', name: 'hjf_session' },
      },
    },
  };
}

function operation(route: RouteSpec): Record<string, unknown> {
  const op: Record<string, unknown> = {
    operationId: route.id,
    summary: route.summary,
    'x-minimal-role': route.role,
    parameters: parameters(route),
    responses: responses(route),
  };
  if (route.role !== 'public') op['security'] = [{ bearer: [] }, { session: [] }];
  if (route.body !== undefined) {
    op['requestBody'] = {
      required: !route.body.safeParse(undefined).success,
      content: { 'application/json': { schema: jsonSchema(route.body) } },
    };
  }
  return op;
}

function parameters(route: RouteSpec): unknown[] {
  const out: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (route.list === true) {
    out.push({ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } });
    out.push({ name: 'cursor', in: 'query', schema: { type: 'string' } });
  }
  return out;
}

function responses(route: RouteSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    [String(route.status)]: route.status === 204 ? { description: 'done' } : success(route),
  };
  const errors = route.role === 'public' ? ['422'] : Object.keys(ERROR_ANSWERS);
  for (const status of errors) {
    out[status] = {
      description: ERROR_ANSWERS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

function success(route: RouteSpec): Record<string, unknown> {
  const schema =
    route.list === true
      ? {
          type: 'object',
          required: ['items', 'next_cursor'],
          properties: { items: { type: 'array' }, next_cursor: { type: ['string', 'null'] } },
        }
      : { type: 'object' };
  return { description: route.summary, content: { 'application/json': { schema } } };
}

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}
