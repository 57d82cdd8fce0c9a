import type { Role } from '../store/store.js';

/** Who is asking: a signed-in user, an API token's user, or the bootstrap admin token. */
export interface Actor {
  /** What the audit trail records: a username, `token:<name>`, `admin-token` or `system`. */
  name: string;
  role: Role;
  userId: string | null;
}

/** The service itself (scheduled runs, shutdown). */
export const SYSTEM_ACTOR: Actor = { name: 'system', role: 'admin', userId: null };
