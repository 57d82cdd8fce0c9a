import { describe, expect, it } from 'vitest';

import { redactSecrets, redactUrl } from './redact-secrets.js';

describe('redactSecrets', () => {
  it('masks every given secret value, raw and URL-encoded', () => {
    const secret = 'p@ss/word+1';
    const text = `raw ${secret} encoded ${encodeURIComponent(secret)}`;
    expect(redactSecrets(text, [secret])).toBe('raw *** encoded ***');
  });

  it('masks Bearer and Basic credentials without being told the value', () => {
    expect(redactSecrets('Authorization: Bearer eyJhbGciOi.abc-123_x')).toBe(
      'Authorization: Bearer ***',
    );
    expect(redactSecrets('authorization: basic dXNlcjpwYXNz==')).toBe('authorization: basic ***');
  });

  it('masks token and secret pairs in form, query and JSON text', () => {
    expect(redactSecrets('grant_type=client_credentials&client_secret=abc&client_id=x')).toBe(
      'grant_type=client_credentials&client_secret=***&client_id=x',
    );
    expect(redactSecrets('{"access_token": "tok123", "expires_in": 3600}')).toBe(
      '{"access_token": "***", "expires_in": 3600}',
    );
    expect(redactSecrets('?api_key=k1&page=2')).toBe('?api_key=***&page=2');
  });

  it('leaves very short secrets alone rather than garbling the text', () => {
    expect(redactSecrets('a cat sat', ['a'])).toBe('a cat sat');
  });

  it('masks a longer secret before a shorter one that it contains', () => {
    expect(redactSecrets('abcdef', ['abc', 'abcdef'])).toBe('***');
  });
});

describe('redactUrl', () => {
  it('masks secret-looking query values and drops user info', () => {
    const url = 'https://user:pw@api.example/v1/x?cursor=c1&access_token=t&api-key=k&limit=100';
    expect(redactUrl(url)).toBe(
      'https://api.example/v1/x?cursor=c1&access_token=***&api-key=***&limit=100',
    );
  });

  it('masks known secrets anywhere in the URL', () => {
    expect(redactUrl('https://api.example/keys/sekrit-123/data', ['sekrit-123'])).toBe(
      'https://api.example/keys/***/data',
    );
  });

  it('redacts an unparseable URL as text', () => {
    expect(redactUrl('not a url?token=abc')).toBe('not a url?token=***');
  });
});
