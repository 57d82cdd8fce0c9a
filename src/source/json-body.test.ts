import { describe, expect, it } from 'vitest';

import { parseJsonExact, stringifyJsonExact } from './json-body.js';

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 exact as bigint', () => {
    const parsed = parseJsonExact('{"id": 9007199254740993, "small": 12, "f": 1.5}') as Record<
      string,
      unknown
    >;
    expect(parsed['id']).toBe(9007199254740993n);
    expect(parsed['small']).toBe(12);
    expect(parsed['f']).toBe(1.5);
  });

  it('leaves long digit runs inside strings as strings', () => {
    expect(parseJsonExact('{"s": "12345678901234567890"}')).toEqual({ s: '12345678901234567890' });
  });

  it('writes bigint back as an exact JSON integer', () => {
    const text = '{"id":123456789012345678901234567890,"name":"é😀"}';
    expect(stringifyJsonExact(parseJsonExact(text))).toBe(text);
  });
});
