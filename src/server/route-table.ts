import { z } from 'zod';

import { credentialBodySchema, credentialPatchSchema } from '../service/credential-body.js';
import { testButtonBodySchema } from '../service/test-button.js';
import { flowSchema } from '../source/schema/flow-schema.js';
import type { Role } from '../store/store.js';

/** Who may call a route: anyone, or a signed-in caller with at least this role. */
export type MinimalRole = 'public' | Role;

export interface RouteSpec {
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI style: `/api/flows/{id}`. */
  path: string;
  role: MinimalRole;
  summary: string;
  /** The success status. */
  status: number;
  body?: z.ZodType;
  /** Answers `{items, next_cursor}` and takes `limit` and `cursor`. */
  list?: boolean;
}

const empty = z.strictObject({}).optional();
const sessionBody = z.strictObject({ username: z.string().min(1), password: z.string().min(1) });
const userBody = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/),
  password: z.string().min(12, 'at least 12 characters'),
  role: z.enum(['admin', 'editor', 'viewer']),
});
const tokenBody = z.strictObject({
  name: z.string().min(1).max(100),
  /** Admins may make a token for another user; default the caller. */
  user_id: z.string().optional(),
});
const credentialTestBody = z
  .strictObject({
    base_url: z.url().optional(),
    site_id: z.union([z.string().min(1), z.number()]).optional(),
    test_url: z.url().optional(),
  })
  .optional();

export { sessionBody, userBody, tokenBody, credentialTestBody };

/**
 * Every route of the service with the least role that may call it: the one table the server
 * registers from, the OpenAPI document is generated from, and the role test walks.
 * viewer < editor < admin: viewers read, editors change flows and credentials and run them,
 * admins also manage users and read the audit trail.
 */
export const ROUTES = [
  r('health', 'GET', '/healthz', 'public', 'liveness: 200 while the service runs'),
  r('openapi', 'GET', '/api/openapi.json', 'public', 'this API as an OpenAPI 3.1 document'),
  r(
    'session.create',
    'POST',
    '/api/session',
    'public',
    'sign in; sets the session cookie',
    200,
    sessionBody,
  ),
  r(
    'session.get',
    'GET',
    '/api/session',
    'viewer',
    'who is calling, and the CSRF token of a session',
  ),
  r('session.delete', 'DELETE', '/api/session', 'viewer', 'sign out', 204),

  r(
    'credentials.list',
    'GET',
    '/api/credentials',
    'viewer',
    'stored credentials, secrets masked',
    200,
    undefined,
    true,
  ),
  r(
    'credentials.create',
    'POST',
    '/api/credentials',
    'editor',
    'store a credential (encrypted)',
    201,
    credentialBodySchema,
  ),
  r(
    'credentials.get',
    'GET',
    '/api/credentials/{id}',
    'viewer',
    'one credential and the flows using it',
  ),
  r(
    'credentials.update',
    'PATCH',
    '/api/credentials/{id}',
    'editor',
    'rename, describe, or rotate secrets in place',
    200,
    credentialPatchSchema,
  ),
  r(
    'credentials.delete',
    'DELETE',
    '/api/credentials/{id}',
    'editor',
    'delete; 409 while flows use it',
    204,
  ),
  r(
    'credentials.test',
    'POST',
    '/api/credentials/{id}/test',
    'editor',
    'the credential Test button',
    200,
    credentialTestBody,
  ),

  r(
    'templates.list',
    'GET',
    '/api/templates',
    'viewer',
    'the Hotjar endpoint templates and their parameters',
  ),
  r(
    'test',
    'POST',
    '/api/test',
    'editor',
    'the Test button: sample records, schema, request log',
    200,
    testButtonBodySchema,
  ),

  r('flows.list', 'GET', '/api/flows', 'viewer', 'flows', 200, undefined, true),
  r('flows.create', 'POST', '/api/flows', 'editor', 'save a flow file', 201, flowSchema),
  r('flows.get', 'GET', '/api/flows/{id}', 'viewer', 'one flow'),
  r('flows.replace', 'PUT', '/api/flows/{id}', 'editor', 'replace a flow file', 200, flowSchema),
  r(
    'flows.delete',
    'DELETE',
    '/api/flows/{id}',
    'editor',
    'delete a flow, its runs and state',
    204,
  ),
  r(
    'flows.run',
    'POST',
    '/api/flows/{id}/run',
    'editor',
    'run now (paused flows too); 409 while it runs',
    202,
    empty,
  ),
  r(
    'flows.activate',
    'POST',
    '/api/flows/{id}/activate',
    'editor',
    'let the scheduler run it',
    200,
    empty,
  ),
  r(
    'flows.pause',
    'POST',
    '/api/flows/{id}/pause',
    'editor',
    'keep the scheduler from running it',
    200,
    empty,
  ),
  r(
    'flows.runs',
    'GET',
    '/api/flows/{id}/runs',
    'viewer',
    "a flow's runs, newest first",
    200,
    undefined,
    true,
  ),

  r('runs.get', 'GET', '/api/runs/{id}', 'viewer', 'one run: the keys of `run --json`'),
  r(
    'runs.logs',
    'GET',
    '/api/runs/{id}/logs',
    'viewer',
    "a run's log lines, in order",
    200,
    undefined,
    true,
  ),
  r(
    'runs.cancel',
    'POST',
    '/api/runs/{id}/cancel',
    'editor',
    'cancel a queued or running run',
    200,
    empty,
  ),
  r('flows.state', 'GET', '/api/flows/{id}/state', 'viewer', "a flow's sync state, by partition"),
  r(
    'flows.state_reset',
    'DELETE',
    '/api/flows/{id}/state',
    'editor',
    "clear a flow's sync state: its next run starts from the beginning",
    204,
  ),
  r(
    'notifications.list',
    'GET',
    '/api/notifications',
    'viewer',
    'notifications, newest first; `unread=true` for the unread ones',
    200,
    undefined,
    true,
  ),
  r(
    'notifications.read',
    'POST',
    '/api/notifications/{id}/read',
    'viewer',
    'mark a notification read',
    200,
    empty,
  ),
  r(
    'notifications.read_all',
    'POST',
    '/api/notifications/read',
    'viewer',
    'mark every notification read',
    200,
    empty,
  ),

  r('tokens.list', 'GET', '/api/tokens', 'viewer', "the caller's API tokens"),
  r(
    'tokens.create',
    'POST',
    '/api/tokens',
    'viewer',
    'a new API token, shown once',
    201,
    tokenBody,
  ),
  r(
    'tokens.delete',
    'DELETE',
    '/api/tokens/{id}',
    'viewer',
    "revoke one of the caller's tokens",
    204,
  ),
  r('users.list', 'GET', '/api/users', 'admin', 'users', 200, undefined, true),
  r('users.create', 'POST', '/api/users', 'admin', 'add a user', 201, userBody),
  r('users.delete', 'DELETE', '/api/users/{id}', 'admin', 'remove a user and their tokens', 204),
  r(
    'audit.list',
    'GET',
    '/api/audit',
    'admin',
    'the audit trail, newest first',
    200,
    undefined,
    true,
  ),
] as const satisfies readonly RouteSpec[];

export type RouteId = (typeof ROUTES)[number]['id'];

function r<const Id extends string>(
  id: Id,
  method: RouteSpec['method'],
  path: string,
  role: MinimalRole,
  summary: string,
  status = 200,
  body?: z.ZodType,
  list?: boolean,
): RouteSpec & { id: Id } {
  return {
    id,
    method,
    path,
    role,
    summary,
    status,
    ...(body === undefined ? {} : { body }),
    ...(list === true ? { list } : {}),
  };
}

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

/** Whether `role` may call a route needing `minimal`. */
export function roleAllows(role: Role, minimal: MinimalRole): boolean {
  return minimal === 'public' || RANK[role] >= RANK[minimal];
}
