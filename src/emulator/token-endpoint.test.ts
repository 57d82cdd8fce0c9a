import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type RunningEmulator } from './start-emulator.js';
import { apiGet, call, fetchToken, tokenRequest } from './test-support/emulator-client.js';

describe('the token endpoint', () => {
  let emulator: RunningEmulator;
  let grant: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator({ responses: 5 });
    grant = {
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    };
  });

  afterAll(() => emulator.close());

  it('issues a bearer token for a form-encoded client-credentials grant', async () => {
    const answer = await tokenRequest(emulator.url, grant);

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/) as unknown,
      token_type: 'Bearer',
      expires_in: 3600,
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts the token on an API call and counts token requests in the stats', async () => {
    emulator.resetStats();
    const token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);

    const answer = await apiGet(`${emulator.url}/v1/sites/${emulator.siteId}/surveys`, token);

    expect(answer.status).toBe(200);
    expect(emulator.stats()).toMatchObject({
      requests: 2,
      token_requests: 1,
      by_status: { '200': 2 },
    });
  });

  it('accepts client credentials sent with HTTP Basic', async () => {
    const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64');
    const answer = await call(`${emulator.url}/v1/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
      },
      body: 'grant_type=client_credentials',
    });

    expect(answer.status).toBe(200);
  });

  it('answers 401 invalid_client for a wrong secret or an unknown client', async () => {
    const wrong = await tokenRequest(emulator.url, { ...grant, client_secret: 'nope' });
    const unknown = await tokenRequest(emulator.url, { ...grant, client_id: 'nobody' });

    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({
        error: 'invalid_client',
        error_description: expect.any(String) as unknown,
      });
      expect(answer.text).not.toContain(emulator.clientSecret);
    }
  });

  it('answers 400 invalid_request for a missing field', async () => {
    const without = (key: string): Record<string, string> =>
      Object.fromEntries(Object.entries(grant).filter(([name]) => name !== key));

    for (const fields of [without('client_secret'), without('grant_type')]) {
      const answer = await tokenRequest(emulator.url, fields);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('answers 400 invalid_request for a JSON body', async () => {
    const answer = await call(`${emulator.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(grant),
    });

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 400 unsupported_grant_type for another grant', async () => {
    const answer = await tokenRequest(emulator.url, { ...grant, grant_type: 'password' });

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('answers 401 on API calls without a token or with an unknown token', async () => {
    const url = `${emulator.url}/v1/sites/${emulator.siteId}/surveys`;
    const missing = await call(url);
    const unknown = await apiGet(url, 'not-a-token');

    for (const answer of [missing, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ error: 'invalid_token' });
    }
  });
});

describe('the emulator clock', () => {
  it('expires tokens after their lifetime', async () => {
    const emulator = await startEmulator({ responses: 5, tokenTtl: 60 });
    const token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);
    const url = `${emulator.url}/v1/sites/${emulator.siteId}/surveys`;

    expect((await apiGet(url, token)).status).toBe(200);
    await call(`${emulator.url}/__emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_seconds: 61 }),
    });
    expect((await apiGet(url, token)).status).toBe(401);
    await emulator.close();
  });

  it('expires API keys after a year: no new token, and issued tokens stop working', async () => {
    const emulator = await startEmulator({ responses: 5, tokenTtl: 10 * 24 * 3600 });
    emulator.advanceClock(360 * 24 * 3600);
    const token = await fetchToken(emulator.url, emulator.clientId, emulator.clientSecret);

    const stillValid = await apiGet(`${emulator.url}/v1/sites/${emulator.siteId}/surveys`, token);
    emulator.advanceClock(6 * 24 * 3600);
    const afterExpiry = await apiGet(`${emulator.url}/v1/sites/${emulator.siteId}/surveys`, token);
    const newToken = await tokenRequest(emulator.url, {
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    });

    expect(stillValid.status).toBe(200);
    expect(afterExpiry.status).toBe(401);
    expect(newToken.status).toBe(401);
    expect(newToken.json).toMatchObject({ error: 'invalid_client' });
    await emulator.close();
  });
});

describe('token answer variants', () => {
  it.each([
    ['expires-in-string', { token_type: 'Bearer', expires_in: '3600' }],
    ['lowercase-type', { token_type: 'bearer', expires_in: 3600 }],
  ] as const)('%s changes the answer', async (variant, expected) => {
    const emulator = await startEmulator({ responses: 1, tokenResponse: variant });
    const answer = await tokenRequest(emulator.url, {
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    });

    expect(answer.json).toMatchObject(expected);
    await emulator.close();
  });

  it('no-expires-in leaves expires_in out', async () => {
    const emulator = await startEmulator({ responses: 1, tokenResponse: 'no-expires-in' });
    const answer = await tokenRequest(emulator.url, {
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    });

    expect(answer.json).not.toHaveProperty('expires_in');
    expect(answer.json).toHaveProperty('access_token');
    await emulator.close();
  });
});
