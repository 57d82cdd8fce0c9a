import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sqliteBackend } from '../store/test-support/store-backends.js';
import type { Role } from '../store/store.js';
import { ROUTES, roleAllows, type RouteSpec } from './route-table.js';
import { ApiHarness } from './test-support/api-harness.js';

const ROLES: Role[] = ['viewer', 'editor', 'admin'];
const backend = sqliteBackend();
let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start(backend);
});

afterAll(async () => {
  await api?.close();
  await backend.stop();
});

/** The route with its path parameters pointing at nothing, so no call changes anything. */
function call(route: RouteSpec, token: string | null) {
  const path = route.path.replaceAll(/\{\w+\}/g, 'missing-id');
  const body = route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} };
  return api.call(route.method, path, { token, ...body });
}

// Sign-out would end nothing here (bearer callers have no session), and it is harmless.
const cases = (ROUTES as readonly RouteSpec[]).flatMap((route) =>
  ROLES.map((role) => ({ route, role, allowed: roleAllows(role, route.role) })),
);

describe('the role × route matrix, generated from the route table', () => {
  it.each(cases)(
    '$route.method $route.path as $role: allowed=$allowed',
    async ({ route, role, allowed }) => {
      const answer = await call(route, api.tokenOf(role));

      if (allowed) expect(answer.status, answer.text).not.toBe(403);
      else {
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ error: { code: 'PERMISSION_DENIED' } });
      }
    },
  );

  it.each((ROUTES as readonly RouteSpec[]).filter((r) => r.role !== 'public'))(
    '$method $path without credentials answers 401',
    async (route) => {
      const answer = await call(route, null);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    },
  );

  it('covers at least one route each role may not call', () => {
    expect(cases.some((c) => c.role === 'viewer' && !c.allowed)).toBe(true);
    expect(cases.some((c) => c.role === 'editor' && !c.allowed)).toBe(true);
  });
});
