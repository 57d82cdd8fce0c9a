import { errorReply, type ApiReply, type ApiRequest } from './api-reply.js';
import type { EmulatorContext } from './emulator-context.js';
import type { ApiKey, Scope } from './model-types.js';

export interface AccessNeeds {
  scope: Scope;
  /** Survey endpoints need Ask Scale; user lookup works on every plan. */
  askScaleOnly: boolean;
}

/**
 * The API key behind the request's bearer token, or the error to answer: 401 without a valid
 * token, 403 when the organization's plan or the key's scopes do not allow the call.
 */
export function authorize(
  context: EmulatorContext,
  request: ApiRequest,
  needs: AccessNeeds,
): ApiKey | ApiReply {
  const format = context.settings.errorFormat;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  const key = match?.[1] === undefined ? null : context.model.keyForToken(match[1]);
  if (key === null) {
    return errorReply(format, {
      status: 401,
      code: 'invalid_token',
      message: 'missing, unknown or expired access token',
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }

  if (needs.askScaleOnly && key.organization.plan !== 'ask_scale') {
    return errorReply(format, {
      status: 403,
      code: 'plan_not_allowed',
      message: 'this endpoint needs an Ask Scale plan',
    });
  }

  if (!key.scopes.has(needs.scope)) {
    return errorReply(format, {
      status: 403,
      code: 'insufficient_scope',
      message: `the API key lacks the ${needs.scope} scope`,
    });
  }

  return key;
}

export function isReply(value: unknown): value is ApiReply {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}
