import type { CredentialTestTarget } from '../../service/credential-tester.js';
import {
  callerOf,
  idOf,
  pageOf,
  type RouteHandlers,
  type RouteInput,
  type ServerContext,
} from '../server-context.js';
import { credentialTestBody } from '../route-table.js';
import { parseBody } from './parse-body.js';

type CredentialRoutes = Pick<
  RouteHandlers,
  | 'credentials.list'
  | 'credentials.create'
  | 'credentials.get'
  | 'credentials.update'
  | 'credentials.delete'
  | 'credentials.test'
>;

export function credentialRoutes(ctx: ServerContext): CredentialRoutes {
  const { credentials } = ctx;
  return {
    'credentials.list': (input) => credentials.list(pageOf(input.query)),
    'credentials.create': (input) => credentials.create(callerOf(input).actor, input.body),
    'credentials.get': (input) => credentials.get(idOf(input)),
    'credentials.update': (input) =>
      credentials.update(callerOf(input).actor, idOf(input), input.body),
    'credentials.delete': async (input) => {
      await credentials.remove(callerOf(input).actor, idOf(input));
    },
    'credentials.test': (input) =>
      credentials.test(callerOf(input).actor, idOf(input), testTarget(input)),
  };
}

function testTarget(input: RouteInput): CredentialTestTarget {
  const body = parseBody(credentialTestBody, input.body) ?? {};
  const target: CredentialTestTarget = {};
  if (body.base_url !== undefined) target.baseUrl = body.base_url;
  if (body.site_id !== undefined) target.siteId = String(body.site_id);
  if (body.test_url !== undefined) target.testUrl = body.test_url;
  return target;
}
