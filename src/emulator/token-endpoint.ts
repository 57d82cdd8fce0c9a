import { jsonReply, type ApiReply, type ApiRequest } from './api-reply.js';
import type { EmulatorContext } from './emulator-context.js';

function oauthError(status: number, error: string, description: string): ApiReply {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (status === 401) {
    headers['www-authenticate'] = 'Basic realm="hotjar"';
  }

  return jsonReply(status, { error, error_description: description }, { headers });
}

/** Client credentials from the form, or from HTTP Basic (RFC 6749 allows both). */
function clientCredentials(request: ApiRequest, form: URLSearchParams): [string, string] | null {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (basic?.[1] !== undefined) {
    const decoded = Buffer.from(basic[1], 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return [
        decodeURIComponent(decoded.slice(0, colon)),
        decodeURIComponent(decoded.slice(colon + 1)),
      ];
    }
  }

  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return id && secret ? [id, secret] : null;
}

function tokenBody(context: EmulatorContext, token: string): Record<string, unknown> {
  const ttl = context.settings.tokenTtl;
  switch (context.settings.tokenResponse) {
    case 'expires-in-string':
      return { access_token: token, token_type: 'Bearer', expires_in: String(ttl) };
    case 'no-expires-in':
      return { access_token: token, token_type: 'Bearer' };
    case 'lowercase-type':
      return { access_token: token, token_type: 'bearer', expires_in: ttl };
    default:
      return { access_token: token, token_type: 'Bearer', expires_in: ttl };
  }
}

/**
 * `POST /v1/oauth/token`: the client-credentials grant, form-encoded only, with RFC 6749 error
 * bodies whatever the error-format setting (OAuth clients parse that shape).
 */
export function handleTokenRequest(context: EmulatorContext, request: ApiRequest): ApiReply {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return oauthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  }

  const form = new URLSearchParams(request.body.toString('utf8'));
  const grant = form.get('grant_type');
  if (!grant) {
    return oauthError(400, 'invalid_request', 'grant_type is required');
  }

  if (grant !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
  }

  const credentials = clientCredentials(request, form);
  if (credentials === null) {
    return oauthError(400, 'invalid_request', 'client_id and client_secret are required');
  }

  const key = context.model.authenticateClient(...credentials);
  if (key === null) {
    return oauthError(401, 'invalid_client', 'unknown, deleted or expired API key');
  }

  const token = context.model.issueToken(key, context.settings.tokenTtl);
  return jsonReply(200, tokenBody(context, token), {
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
  });
}
