import { z } from 'zod';

import { authorize, isReply } from './api-auth.js';
import { errorReply, jsonReply, type ApiReply, type ApiRequest } from './api-reply.js';
import type { EmulatorContext } from './emulator-context.js';
import type { Organization, Site } from './model-types.js';
import { USERS_PER_SITE } from './survey-generator.js';

const LookupBody = z
  .strictObject({
    data_subject_email: z
      .string()
      .regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address')
      .optional(),
    data_subject_site_id_to_user_id_map: z
      .record(
        z.string().regex(/^\d+$/, 'site ids are numeric'),
        z.union([z.string().min(1), z.number()]),
      )
      .refine((map) => Object.keys(map).length > 0, 'must name at least one site')
      .optional(),
    delete_all_hits: z.boolean({ error: 'delete_all_hits (a boolean) is required' }),
  })
  .refine(
    (body) =>
      body.data_subject_email !== undefined ||
      body.data_subject_site_id_to_user_id_map !== undefined,
    'data_subject_email or data_subject_site_id_to_user_id_map is required',
  );

type LookupRequest = z.infer<typeof LookupBody>;

function parseBody(body: Buffer): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { problem: 'the body is not valid JSON' };
  }
}

/** Site user indexes matching the request on one site. */
function matchingUsers(site: Site, request: LookupRequest): number[] {
  const email = request.data_subject_email?.toLowerCase();
  const wanted = request.data_subject_site_id_to_user_id_map?.[site.id];
  const id = wanted === undefined ? undefined : String(wanted);
  const matches: number[] = [];
  for (let index = 0; index < USERS_PER_SITE; index += 1) {
    const user = site.user(index);
    if (user.email === email || user.userId === id || user.hotjarUserId === id) {
      matches.push(index);
    }
  }

  return matches;
}

function applyLookup(organization: Organization, request: LookupRequest): [number, number] {
  let users = 0;
  let deleted = 0;
  for (const site of organization.sites) {
    for (const user of matchingUsers(site, request)) {
      users += 1;
      for (const survey of request.delete_all_hits ? site.surveys : []) {
        deleted += survey.store.deleteUser(user);
      }
    }
  }

  return [users, deleted];
}

function invalid(context: EmulatorContext, message: string): ApiReply {
  return errorReply(context.settings.errorFormat, { status: 400, code: 'invalid_body', message });
}

function validate(context: EmulatorContext, request: ApiRequest): LookupRequest | ApiReply {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return invalid(context, 'the body must be application/json');
  }

  const parsed = parseBody(request.body);
  if ('problem' in parsed) {
    return invalid(context, parsed.problem);
  }

  const result = LookupBody.safeParse(parsed.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return invalid(context, `${where}${issue?.message ?? 'invalid body'}`);
  }

  return result.data;
}

function answer(
  context: EmulatorContext,
  request: ApiRequest,
  organizationId: string,
): ApiReply & { lookup?: [number, number] } {
  const key = authorize(context, request, { scope: 'user-lookup', askScaleOnly: false });
  if (isReply(key)) {
    return key;
  }

  if (key.organization.id !== organizationId) {
    return errorReply(context.settings.errorFormat, {
      status: 404,
      code: 'organization_not_found',
      message: `no organization ${organizationId} for this API key`,
    });
  }

  const body = validate(context, request);
  if (isReply(body)) {
    return body;
  }

  if (body.delete_all_hits && !key.scopes.has('user-deletion')) {
    return errorReply(context.settings.errorFormat, {
      status: 403,
      code: 'insufficient_scope',
      message: 'the API key lacks the user-deletion scope',
    });
  }

  const status = context.settings.lookupStatus;
  const reply = status === 204 ? { status, body: '', contentType: '' } : jsonReply(status, {});
  return { ...reply, lookup: applyLookup(key.organization, body) };
}

/**
 * `POST /v1/organizations/{organization_id}/user-lookup`: validates the body, deletes matching
 * responses when `delete_all_hits` is true, and logs every authenticated call.
 */
export function userLookup(
  context: EmulatorContext,
  request: ApiRequest,
  organizationId: string,
): ApiReply {
  const { lookup, ...reply } = answer(context, request, organizationId);
  if (reply.status !== 401) {
    const parsed = parseBody(request.body);
    context.lookups.push({
      at: new Date(context.clock.nowMs()).toISOString(),
      organization_id: organizationId,
      status: reply.status,
      body: 'value' in parsed ? parsed.value : request.body.toString('utf8').slice(0, 2_000),
      matched_users: lookup?.[0] ?? 0,
      deleted_responses: lookup?.[1] ?? 0,
    });
  }

  return reply;
}
