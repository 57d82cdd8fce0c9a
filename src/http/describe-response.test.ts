import { describe, expect, it } from 'vitest';

import { bodyPreview, describeResponse, upstreamMessage } from './describe-response.js';
import type { HttpResponse } from './http-types.js';

function response(body: string, contentType = 'application/json', status = 200): HttpResponse {
  return {
    status,
    headers: { 'content-type': contentType },
    body: Buffer.from(body),
    url: 'https://api.example/v1/sites/1/surveys?limit=100&access_token=tok-9',
    method: 'GET',
  };
}

describe('describeResponse', () => {
  it('names method, redacted URL, status, content type and a short body preview (R4)', () => {
    const html = `<!doctype html><html><head><style>p{}</style></head><body><p>Maintenance</p>${'x'.repeat(500)}</body></html>`;

    const text = describeResponse(response(html, 'text/html; charset=utf-8'));

    expect(text).toContain('GET https://api.example/v1/sites/1/surveys?limit=100&access_token=***');
    expect(text).toContain('answered 200');
    expect(text).toContain('content type text/html; charset=utf-8');
    expect(text).toContain('<p>Maintenance</p>');
    expect(text).not.toContain('p{}');
    const preview = /body "(.*)"\)$/.exec(text)?.[1] ?? '';
    expect([...preview].length).toBeLessThanOrEqual(200);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('says so when the body is empty', () => {
    expect(describeResponse(response('', 'application/json'))).toContain('0 bytes, an empty body');
  });

  it('masks secrets and tokens in the preview', () => {
    const body =
      '{"debug": "Authorization: Bearer abc.def", "client_secret": "cs-1", "echo": "my-key-42"}';
    const text = describeResponse(response(body), ['my-key-42']);
    expect(text).not.toContain('abc.def');
    expect(text).not.toContain('cs-1');
    expect(text).not.toContain('my-key-42');
  });
});

describe('upstreamMessage', () => {
  it.each([
    [{ message: 'm', msg: 'x', error: 'e' }, 'm'],
    [{ msg: 'from msg', error: 'e' }, 'from msg'],
    [
      { error: 'invalid_client', error_description: 'Client authentication failed' },
      'Client authentication failed',
    ],
    [{ detail: 'Not found.' }, 'Not found.'],
    [{ error: 'rate_limited' }, 'rate_limited'],
    [{ error: { message: 'nested reason' } }, 'nested reason'],
  ])('reads the first present field of %j', (body, expected) => {
    expect(upstreamMessage(response(JSON.stringify(body)))).toBe(expected);
  });

  it('falls back to a preview of plain text or HTML', () => {
    const html = '<html><body><h1>502 Bad Gateway</h1>\n\n<hr>nginx</body></html>';
    expect(upstreamMessage(response(html, 'text/html'))).toBe(
      '<html><body><h1>502 Bad Gateway</h1> <hr>nginx</body></html>',
    );
  });

  it('keeps multi-byte text whole when it cuts the preview', () => {
    const preview = bodyPreview(Buffer.from('😀'.repeat(300)));
    expect([...preview]).toHaveLength(200);
    expect(preview.includes('\uFFFD')).toBe(false);
  });
});
