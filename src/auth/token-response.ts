import { AuthError, KeyExpiredError, ParseError } from '../errors/errors.js';
import { describeResponse, upstreamMessage } from '../http/describe-response.js';
import type { HttpResponse } from '../http/http-types.js';
import { redactSecrets, redactUrl } from '../http/redact-secrets.js';

/** Lifetime assumed when a token response has no usable `expires_in`. */
export const DEFAULT_TOKEN_LIFETIME_S = 3600;

export interface IssuedToken {
  accessToken: string;
  /** Seconds, from `expires_in` or the default. */
  lifetimeS: number;
  /** Whether `expires_in` was missing or unusable. */
  lifetimeDefaulted: boolean;
}

/**
 * Reads a successful token answer. Tolerant where servers differ: `token_type` `Bearer`/`bearer`
 * (or absent), `expires_in` a number, a numeric string, or missing (→ 3600 s).
 */
export function parseTokenResponse(res: HttpResponse, secrets: readonly string[]): IssuedToken {
  const body = parseJsonObject(res);
  const token = body?.['access_token'];
  if (body === undefined || typeof token !== 'string' || token === '') {
    const what = describeResponse(res, secrets);
    throw new ParseError(`the token endpoint sent no access_token: ${what}`, {
      details: { status: res.status },
    });
  }

  const type = body['token_type'];
  if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) {
    throw new AuthError(
      `the token endpoint issued an unsupported token type ${JSON.stringify(type)}`,
    );
  }

  const lifetime = parseExpiresIn(body['expires_in']);
  return {
    accessToken: token,
    lifetimeS: lifetime ?? DEFAULT_TOKEN_LIFETIME_S,
    lifetimeDefaulted: lifetime === undefined,
  };
}

/** `expires_in` as positive seconds, from a number or a numeric string; otherwise undefined. */
export function parseExpiresIn(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return seconds;
}

/**
 * The error for a refused token request (400/401/403): KeyExpiredError when the upstream says the
 * key expired, else AuthError — both with the upstream's `error_description` (secrets masked).
 */
export function tokenRefusal(res: HttpResponse, secrets: readonly string[]): Error {
  const body = parseJsonObject(res);
  const code = typeof body?.['error'] === 'string' ? body['error'] : undefined;
  const description = upstreamMessage(res, secrets);
  const label =
    code === undefined || code === description ? `${res.status}` : `${res.status} ${code}`;
  const message = `the token request to ${redactUrl(res.url, secrets)} was refused (${label}): ${description}`;
  const details = { status: res.status, ...(code === undefined ? {} : { error: code }) };

  const expired = /expired/i.test(`${code ?? ''} ${description}`);
  return expired
    ? new KeyExpiredError(redactSecrets(message, secrets), { details })
    : new AuthError(message, { details });
}

function parseJsonObject(res: HttpResponse): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(res.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
