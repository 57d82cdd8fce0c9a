import { describe, expect, it } from 'vitest';

import { parseJsonExact, stringifyExact, stringifyJsonExact } from './exact-json.js';

describe('exact JSON', () => {
  it('writes bigint as an exact JSON integer and keeps key order', () => {
    const value = { z: 1, big: 123456789012345678901234567890n, a: [2n ** 63n, 'x'], n: null };
    expect(stringifyExact(value)).toBe(
      '{"z":1,"big":123456789012345678901234567890,"a":[9223372036854775808,"x"],"n":null}',
    );
  });

  it('reads integers beyond 2^53 back as bigint and the rest as numbers', () => {
    const parsed = parseJsonExact('{"big":9007199254740993,"safe":9007199254740991,"f":1.5}');
    expect(parsed).toEqual({ big: 9007199254740993n, safe: 9007199254740991, f: 1.5 });
  });

  it('still reports a circular value as an error', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(() => stringifyExact({ circular })).toThrow(TypeError);
    expect(() => stringifyExact({ big: 1n, circular })).toThrow();
  });
});

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
