import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const secret = 'receiver-shared-secret';
const body = '{"event":"run_failed"}';
const now = new Date('2025-03-01T10:00:00.000Z');
const timestamp = Math.floor(now.getTime() / 1000);

describe('webhook signatures', () => {
  it('signs "<timestamp>.<raw body>" with HMAC-SHA256', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signWebhook({ secret, body, timestamp })).toBe(`sha256=${expected}`);
  });

  it('accepts a fresh signature and refuses a replay with an old or altered timestamp', () => {
    const signature = signWebhook({ secret, body, timestamp });
    const check = { secret, body, signature, now };

    expect(verifyWebhookSignature({ ...check, timestamp: String(timestamp) })).toBe(true);
    expect(verifyWebhookSignature({ ...check, timestamp: String(timestamp + 1) })).toBe(false);

    const later = new Date(now.getTime() + 301_000);
    expect(verifyWebhookSignature({ ...check, timestamp: String(timestamp), now: later })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ ...check, timestamp: 'soon' })).toBe(false);
  });
});
