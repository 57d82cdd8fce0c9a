import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';

import { PermissionDeniedError, UnauthenticatedError } from '../errors/errors.js';
import type { Actor } from '../service/actor.js';
import type { Store } from '../store/store.js';
import { sameSecret, type SessionStore } from './session-store.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'hjf_session';
/** The header that must repeat the session's CSRF token on unsafe methods. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Authenticator {
  store: Store;
  sessions: SessionStore;
  /** `HOTJAR_FLOW_ADMIN_TOKEN`, when at least 16 characters. */
  adminToken: string | null;
}

/** The caller and how they proved it; a session also names itself (for sign-out). */
export interface Caller {
  actor: Actor;
  sessionId: string | null;
}

/**
 * Who is calling: `Authorization: Bearer` (the admin token, or an `hjf_` API token) first, else
 * the session cookie. A cookie alone never authorises an unsafe method: the request must repeat
 * the session's CSRF token in `x-csrf-token` (a cross-site form or script cannot read it).
 */
export async function authenticate(request: FastifyRequest, auth: Authenticator): Promise<Caller> {
  const header = request.headers.authorization;
  if (header !== undefined) return { actor: await bearerActor(header, auth), sessionId: null };

  const session = auth.sessions.get(request.cookies[SESSION_COOKIE]);
  if (session === null) throw new UnauthenticatedError();

  if (!SAFE_METHODS.has(request.method)) {
    const presented = request.headers[CSRF_HEADER];
    if (typeof presented !== 'string' || !sameSecret(presented, session.csrfToken)) {
      throw new PermissionDeniedError(
        `a request authenticated by the session cookie must repeat the CSRF token in ${CSRF_HEADER}`,
        { details: { reason: 'csrf' } },
      );
    }
  }

  const { user } = session;
  return {
    actor: { name: user.username, role: user.role, userId: user.id },
    sessionId: session.id,
  };
}

async function bearerActor(header: string, auth: Authenticator): Promise<Actor> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (token === undefined)
    throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');

  if (auth.adminToken !== null && sameSecret(token, auth.adminToken)) {
    return { name: 'admin-token', role: 'admin', userId: null };
  }

  const found = await auth.store.authenticateApiToken(token);
  if (found === null) throw new UnauthenticatedError('the token is unknown or revoked');
  return {
    name: `${found.user.username} (token:${found.token.name})`,
    role: found.user.role,
    userId: found.user.id,
  };
}
