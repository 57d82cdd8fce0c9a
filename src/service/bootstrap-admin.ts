import { randomBytes } from 'node:crypto';

import type { Store } from '../store/store.js';

/** The first user's name. */
export const ADMIN_USERNAME = 'admin';

export interface BootstrapResult {
  /** True when this call created the admin user. */
  created: boolean;
  /** The generated password, when none was given; shown once, never stored in clear. */
  generatedPassword: string | null;
}

/**
 * Creates the `admin` user on first start (a store without users): with `password` when given
 * (`HOTJAR_FLOW_ADMIN_PASSWORD`), else a random one the caller prints once.
 */
export async function ensureAdminUser(store: Store, password?: string): Promise<BootstrapResult> {
  const existing = await store.listUsers({ limit: 1 });
  if (existing.items.length > 0) return { created: false, generatedPassword: null };

  const chosen = password !== undefined && password !== '' ? password : null;
  const generated = chosen === null ? randomBytes(18).toString('base64url') : null;
  await store.createUser({
    username: ADMIN_USERNAME,
    password: chosen ?? generated ?? '',
    role: 'admin',
  });
  return { created: true, generatedPassword: generated };
}
