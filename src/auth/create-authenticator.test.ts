import { afterAll, describe, expect, it } from 'vitest';

import { HttpClient } from '../http/http-client.js';
import { createAuthenticator, hotjarTokenUrl } from './create-authenticator.js';

const http = new HttpClient();
afterAll(() => http.close());

describe('createAuthenticator', () => {
  it('binds a Hotjar credential to the base URL origin and its token URL', () => {
    const auth = createAuthenticator(
      { type: 'hotjar', client_id: 'id', client_secret: 'secret' },
      { http, baseUrl: 'http://127.0.0.1:4010' },
    );
    expect(auth.appliesTo(new URL('http://127.0.0.1:4010/v1/sites/1/surveys'))).toBe(true);
    expect(auth.appliesTo(new URL('http://127.0.0.1:4011/v1/sites/1/surveys'))).toBe(false);
    expect(auth.appliesTo(new URL('https://127.0.0.1:4010/v1'))).toBe(false);
    expect(auth.secrets?.()).toContain('secret');
  });

  it('binds an OAuth2 credential to its token URL origin too', () => {
    const auth = createAuthenticator(
      {
        type: 'oauth2_client_credentials',
        token_url: 'https://auth.example/token',
        client_id: 'i',
        client_secret: 's',
      },
      { http, baseUrl: 'https://api.example/v2' },
    );
    expect(auth.appliesTo(new URL('https://auth.example/other'))).toBe(true);
    expect(auth.appliesTo(new URL('https://api.example/v2/x'))).toBe(true);
    expect(auth.appliesTo(new URL('https://cdn.example/x'))).toBe(false);
  });

  it('applies a static credential only to its origins', async () => {
    const auth = createAuthenticator(
      { type: 'basic', username: 'u', password: 'p' },
      { http, baseUrl: 'https://api.example', requestUrls: ['https://data.example/x'] },
    );
    expect(await auth.authorize(new URL('https://data.example/y'))).toEqual({
      headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
      query: {},
    });
    expect(await auth.authorize(new URL('https://other.example/y'))).toEqual({
      headers: {},
      query: {},
    });
    expect(await auth.refresh()).toBe(false);
  });

  it('puts an api key in a header or the query', async () => {
    const url = new URL('https://api.example/x');
    const header = createAuthenticator(
      { type: 'api_key', in: 'header', name: 'X-Api-Key', value: 'k1' },
      { http, baseUrl: url.href },
    );
    const query = createAuthenticator(
      { type: 'api_key', in: 'query', name: 'key', value: 'k2' },
      { http, baseUrl: url.href },
    );
    expect(await header.authorize(url)).toEqual({ headers: { 'x-api-key': 'k1' }, query: {} });
    expect(await query.authorize(url)).toEqual({ headers: {}, query: { key: 'k2' } });
  });

  it('adds nothing and warns about nothing for `none`', async () => {
    const auth = createAuthenticator({ type: 'none' }, { http, baseUrl: 'https://api.example' });
    expect(auth.appliesTo(new URL('https://anywhere.example'))).toBe(true);
    expect(await auth.authorize(new URL('https://api.example'))).toEqual({
      headers: {},
      query: {},
    });
  });
});

describe('hotjarTokenUrl', () => {
  it('appends /v1/oauth/token whatever the trailing slash', () => {
    expect(hotjarTokenUrl('https://api.hotjar.io')).toBe('https://api.hotjar.io/v1/oauth/token');
    expect(hotjarTokenUrl('http://127.0.0.1:4010/')).toBe('http://127.0.0.1:4010/v1/oauth/token');
  });
});
