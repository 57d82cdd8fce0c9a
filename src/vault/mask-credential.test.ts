import { describe, expect, it } from 'vitest';

import { maskCredential } from './mask-credential.js';

describe('maskCredential', () => {
  it('replaces every secret field with *** and keeps the rest', () => {
    expect(maskCredential({ type: 'hotjar', client_id: 'id', client_secret: 'secret' })).toEqual({
      type: 'hotjar',
      client_id: 'id',
      client_secret: '***',
    });
    expect(maskCredential({ type: 'bearer', token: 't' })).toEqual({
      type: 'bearer',
      token: '***',
    });
    expect(maskCredential({ type: 'api_key', in: 'header', name: 'X-Key', value: 'v' })).toEqual({
      type: 'api_key',
      in: 'header',
      name: 'X-Key',
      value: '***',
    });
    expect(maskCredential({ type: 'basic', username: 'u', password: 'p' })).toEqual({
      type: 'basic',
      username: 'u',
      password: '***',
    });
  });

  it('leaves absent secrets absent and does not change its input', () => {
    const input = { type: 'oauth2_client_credentials', client_id: 'id', client_secret: 'x' };
    expect(maskCredential({ type: 'none' })).toEqual({ type: 'none' });
    maskCredential(input);
    expect(input.client_secret).toBe('x');
  });
});
