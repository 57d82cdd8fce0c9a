import { randomBytes, timingSafeEqual } from 'node:crypto';

import type { UserRecord } from '../store/store.js';

/** One signed-in browser. */
export interface Session {
  id: string;
  user: UserRecord;
  /** Sent back in `x-csrf-token` on every unsafe request the cookie authenticates. */
  csrfToken: string;
  expiresAt: number;
}

/** Sessions last this long after sign-in; default 12 hours. */
export const SESSION_TTL_MS = 12 * 3600 * 1000;

/**
 * Sessions of the UI, in memory: a restart signs everyone out.
 * TODO(#6): keep sessions in the store so they survive a restart and work across instances.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(user: UserRecord): Session {
    this.sweep();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      user,
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: this.now() + SESSION_TTL_MS,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | null {
    if (id === undefined) return null;
    const session = this.sessions.get(id);
    if (session === undefined) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session of a user (removed, or their role changed). */
  deleteUser(userId: string): void {
    for (const [id, session] of this.sessions)
      if (session.user.id === userId) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions)
      if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Compares two secrets in constant time (for equal lengths). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
