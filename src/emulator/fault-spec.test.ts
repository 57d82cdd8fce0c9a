import { describe, expect, it } from 'vitest';

import { ConfigError } from '../errors/errors.js';
import { faultFromJson, parseFault } from './fault-spec.js';

function issuePath(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ConfigError ? error.issues[0]?.path : 'not a ConfigError';
  }

  return undefined;
}

describe('parseFault', () => {
  it('reads what, when, where and extra keys', () => {
    expect(parseFault('status=429,at=3,retry_after=2')).toEqual({
      status: 429,
      at: 3,
      retryAfter: '2',
    });
    expect(parseFault('status=502,html,rate=0.05')).toEqual({
      status: 502,
      html: true,
      rate: 0.05,
    });
    expect(parseFault('reset,every=4,times=2,path=/responses')).toEqual({
      reset: true,
      every: 4,
      times: 2,
      path: '/responses',
    });
    expect(parseFault('slow=250')).toEqual({ slow: 250 });
    expect(parseFault('truncate')).toEqual({ truncate: true });
    expect(parseFault('same_cursor,empty_forever,insert=5,short=1')).toEqual({
      sameCursor: true,
      emptyForever: true,
      insert: 5,
      short: 1,
    });
    expect(
      parseFault('status=503,retry_after=Wed, 21 Oct 2015 07:28:00 GMT'.replace(', ', ' ')),
    ).toMatchObject({
      status: 503,
    });
  });

  it('names the bad key in its error', () => {
    expect(issuePath(() => parseFault('status=429,colour=red'))).toBe('fault.colour');
    expect(issuePath(() => parseFault('status=abc'))).toBe('fault.status');
    expect(issuePath(() => parseFault('status=500,rate=2'))).toBe('fault.rate');
    expect(issuePath(() => parseFault('status=500,at=0'))).toBe('fault.at');
    expect(issuePath(() => parseFault('reset=maybe'))).toBe('fault.reset');
  });

  it('refuses a fault without an action', () => {
    expect(issuePath(() => parseFault('at=3'))).toBe('fault.status');
  });
});

describe('faultFromJson', () => {
  it('takes the same keys as a JSON object, or a grammar string', () => {
    expect(faultFromJson({ status: 429, at: 3, retry_after: 2 })).toEqual({
      status: 429,
      at: 3,
      retryAfter: '2',
    });
    expect(faultFromJson({ reset: true, path: '/oauth' })).toEqual({ reset: true, path: '/oauth' });
    expect(faultFromJson('html,status=504')).toEqual({ html: true, status: 504 });
  });

  it('names the bad key', () => {
    expect(issuePath(() => faultFromJson({ status: 429, when: 3 }))).toBe('fault.when');
  });
});
