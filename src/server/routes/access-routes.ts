import type { FastifyReply } from 'fastify';

import {
  ConfigError,
  PermissionDeniedError,
  StoreNotFoundError,
  UnauthenticatedError,
} from '../../errors/errors.js';
import type { Actor } from '../../service/actor.js';
import type { AuditFilter, PageRequest } from '../../store/store.js';
import { SESSION_COOKIE } from '../authenticate.js';
import { sessionBody, tokenBody, userBody } from '../route-table.js';
import {
  callerOf,
  idOf,
  pageOf,
  type RouteHandlers,
  type ServerContext,
} from '../server-context.js';
import { SESSION_TTL_MS } from '../session-store.js';
import { parseBody } from './parse-body.js';

type AccessRoutes = Pick<
  RouteHandlers,
  | 'session.create'
  | 'session.get'
  | 'session.delete'
  | 'tokens.list'
  | 'tokens.create'
  | 'tokens.delete'
  | 'users.list'
  | 'users.create'
  | 'users.delete'
  | 'audit.list'
>;

export function accessRoutes(ctx: ServerContext): AccessRoutes {
  const { store, sessions } = ctx;
  return {
    'session.create': async (input) => {
      const { username, password } = parseBody(sessionBody, input.body);
      const user = await store.verifyPassword(username, password);
      if (user === null) throw new UnauthenticatedError('wrong username or password');

      const session = sessions.create(user);
      setSessionCookie(input.reply, session.id, ctx.secureCookies);
      return { user: publicUser(user), csrf_token: session.csrfToken };
    },
    'session.get': (input) => {
      const caller = callerOf(input);
      const session = sessions.get(caller.sessionId ?? undefined);
      return Promise.resolve({
        actor: caller.actor.name,
        role: caller.actor.role,
        user_id: caller.actor.userId,
        csrf_token: session?.csrfToken ?? null,
      });
    },
    'session.delete': (input) => {
      const { sessionId } = callerOf(input);
      if (sessionId !== null) sessions.delete(sessionId);
      input.reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return Promise.resolve(undefined);
    },
    'tokens.list': async (input) => {
      const { actor } = callerOf(input);
      const items = actor.userId === null ? [] : await store.listApiTokens(actor.userId);
      return { items, next_cursor: null };
    },
    'tokens.create': async (input) => {
      const { actor } = callerOf(input);
      const body = parseBody(tokenBody, input.body);
      const userId = tokenOwner(actor, body.user_id);
      await store.getUser(userId);
      const created = await store.createApiToken({ user_id: userId, name: body.name });
      await audit(ctx, actor, 'create', 'api_token', created.token.id, created.token);
      return created;
    },
    'tokens.delete': async (input) => {
      const { actor } = callerOf(input);
      const id = idOf(input);
      const own = actor.userId === null ? [] : await store.listApiTokens(actor.userId);
      if (actor.role !== 'admin' && !own.some((t) => t.id === id)) {
        throw new StoreNotFoundError('api token', id);
      }
      await store.deleteApiToken(id);
      await audit(ctx, actor, 'delete', 'api_token', id, null);
    },
    'users.list': async (input) => {
      const page = await store.listUsers(pageOf(input.query));
      return { items: page.items.map(publicUser), next_cursor: page.next_cursor };
    },
    'users.create': async (input) => {
      const body = parseBody(userBody, input.body);
      const user = await store.createUser(body);
      await audit(ctx, callerOf(input).actor, 'create', 'user', user.id, publicUser(user));
      return publicUser(user);
    },
    'users.delete': async (input) => {
      const user = await store.getUser(idOf(input));
      await store.deleteUser(user.id);
      sessions.deleteUser(user.id);
      await audit(ctx, callerOf(input).actor, 'delete', 'user', user.id, null, publicUser(user));
    },
    'audit.list': (input) =>
      store.listAudit({ ...pageOf(input.query), ...auditFilter(input.query) }),
  };
}

function tokenOwner(actor: Actor, requested: string | undefined): string {
  if (requested !== undefined && requested !== actor.userId && actor.role !== 'admin') {
    throw new PermissionDeniedError('only an admin may make a token for another user');
  }
  const owner = requested ?? actor.userId;
  if (owner === null) {
    throw new ConfigError([
      {
        code: 'USER_REQUIRED',
        path: 'user_id',
        message: 'the admin token has no user of its own: name the user_id',
      },
    ]);
  }
  return owner;
}

function setSessionCookie(reply: FastifyReply, id: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

function publicUser(user: { id: string; username: string; role: string; created_at: string }) {
  return { id: user.id, username: user.username, role: user.role, created_at: user.created_at };
}

function auditFilter(query: Record<string, string | undefined>): AuditFilter & PageRequest {
  const filter: AuditFilter = {};
  if (query['entity_type'] !== undefined) filter.entity_type = query['entity_type'];
  if (query['entity_id'] !== undefined) filter.entity_id = query['entity_id'];
  return filter;
}

async function audit(
  ctx: ServerContext,
  actor: Actor,
  action: string,
  entityType: string,
  entityId: string,
  after: unknown,
  before: unknown = null,
): Promise<void> {
  await ctx.store.appendAudit({
    actor: actor.name,
    action,
    entity_type: entityType,
    entity_id: entityId,
    before,
    after,
  });
}
