import { describe, expect, it } from 'vitest';

import { AuthError, KeyExpiredError, ParseError } from '../errors/errors.js';
import type { HttpResponse } from '../http/http-types.js';
import { refreshMarginMs } from './token-cache.js';
import { parseExpiresIn, parseTokenResponse, tokenRefusal } from './token-response.js';

const SECRET = 'cs_secret_value_1';

function answer(status: number, body: unknown): HttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(text),
    url: 'https://api.example/v1/oauth/token',
    method: 'POST',
  };
}

describe('parseTokenResponse', () => {
  it.each([
    [3600, 3600, false],
    ['3600', 3600, false],
    [' 120 ', 120, false],
    [undefined, 3600, true],
    [null, 3600, true],
    ['soon', 3600, true],
    [0, 3600, true],
    [-5, 3600, true],
  ])('reads expires_in %j as %i s (defaulted: %s)', (expiresIn, lifetime, defaulted) => {
    const issued = parseTokenResponse(
      answer(200, { access_token: 't', token_type: 'Bearer', expires_in: expiresIn }),
      [],
    );
    expect(issued).toEqual({ accessToken: 't', lifetimeS: lifetime, lifetimeDefaulted: defaulted });
  });

  it('accepts token_type in any case, or absent', () => {
    for (const token_type of ['Bearer', 'bearer', 'BEARER', undefined]) {
      expect(
        parseTokenResponse(answer(200, { access_token: 't', token_type }), []).accessToken,
      ).toBe('t');
    }
  });

  it('raises ParseError, secrets masked, when there is no access_token', () => {
    const error = (() => {
      try {
        parseTokenResponse(answer(200, `<html>login for ${SECRET}</html>`), [SECRET]);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ParseError);
    expect(error?.message).toContain('no access_token');
    expect(error?.message).not.toContain(SECRET);
  });

  it('rejects a token type other than bearer', () => {
    expect(() =>
      parseTokenResponse(answer(200, { access_token: 't', token_type: 'mac' }), []),
    ).toThrow(AuthError);
  });
});

describe('parseExpiresIn', () => {
  it('refuses non-numbers', () => {
    expect(parseExpiresIn(true)).toBeUndefined();
    expect(parseExpiresIn('')).toBeUndefined();
    expect(parseExpiresIn({})).toBeUndefined();
  });
});

describe('tokenRefusal', () => {
  it('is an AuthError with the upstream description for invalid_client', () => {
    const error = tokenRefusal(
      answer(401, { error: 'invalid_client', error_description: `bad secret ${SECRET}` }),
      [SECRET],
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      'the token request to https://api.example/v1/oauth/token was refused (401 invalid_client): bad secret ***',
    );
  });

  it('is a KeyExpiredError when the upstream says the key expired', () => {
    expect(
      tokenRefusal(
        answer(401, { error: 'invalid_client', error_description: 'API key has expired' }),
        [],
      ),
    ).toBeInstanceOf(KeyExpiredError);
    expect(tokenRefusal(answer(401, { error: 'key_expired' }), [])).toBeInstanceOf(KeyExpiredError);
  });

  it('reads a plain-text refusal', () => {
    const error = tokenRefusal(answer(400, 'unsupported_grant_type'), []);
    expect(error.message).toContain('(400): unsupported_grant_type');
  });
});

describe('refreshMarginMs', () => {
  it('is 60 s for short-lived tokens of a few minutes, 10 % for long ones, at most half the lifetime', () => {
    expect(refreshMarginMs(3600_000)).toBe(360_000);
    expect(refreshMarginMs(300_000)).toBe(60_000);
    expect(refreshMarginMs(60_000)).toBe(30_000);
    expect(refreshMarginMs(2000)).toBe(1000);
  });
});
