import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { ParseError } from '../../errors/errors.js';
import { type FormatOptions, parseRecords } from './parse-records.js';
import { chunksOf, collect } from './test-support/body-streams.js';

async function read(body: string | Buffer, options: Omit<FormatOptions, 'format'> = {}, chunk = 1) {
  const parsed = parseRecords(chunksOf(body, chunk), { format: 'json', ...options });
  const records = await collect(parsed);
  return { records, envelope: parsed.envelope() };
}

/** Streaming (no Content-Length) and the native fast path (a small Content-Length). */
async function bothWays(body: string, options: Omit<FormatOptions, 'format'> = {}) {
  const streamed = await read(body, options);
  const whole = await read(body, { ...options, contentLength: Buffer.byteLength(body) }, 64);
  return { streamed, whole };
}

async function failure(
  body: string | Buffer,
  options: Omit<FormatOptions, 'format'> = {},
): Promise<ParseError> {
  const error = await read(body, options).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ParseError);
  return error as ParseError;
}

describe('JSON records', () => {
  it('keeps integers beyond 2^53 exact as bigint, streamed and parsed whole', async () => {
    const body =
      '{"data": [{"id": 9007199254740993, "neg": -12345678901234567890, "n": 12, "f": 1.5, "e": 1e21}]}';

    const { streamed, whole } = await bothWays(body, { records: '$.data[*]' });

    const expected = { id: 9007199254740993n, neg: -12345678901234567890n, n: 12, f: 1.5, e: 1e21 };
    expect(streamed.records).toEqual([expected]);
    expect(whole.records).toEqual([expected]);
  });

  it('keeps characters split across chunk boundaries whole (Cyrillic, CJK, accents, emoji pairs)', async () => {
    const text = 'Привет, 世界, crème brûlée, 👍🏽😀🇫🇷';
    const body = JSON.stringify([{ text, 'clé 🔑': 'v' }]);

    for (const chunk of [1, 2, 3, 5]) {
      const { records } = await read(body, {}, chunk);
      expect(records).toEqual([{ text, 'clé 🔑': 'v' }]);
      expect(Buffer.from(records[0]?.['text'] as string)).toEqual(Buffer.from(text));
    }
  });

  it('gives equal records and envelopes streamed and parsed whole', async () => {
    const cases: [string, string | undefined, number][] = [
      [
        '{"data": [{"a": 1}, 2, {"b": [1, {"c": null}]}], "next": "x", "meta": {"total": 2}}',
        '$.data[*]',
        2,
      ],
      ['[{"a": 1}, {"a": 2}]', undefined, 2],
      ['[{"a": 1}, {"a": 2}]', '$', 2],
      ['{"id": 7, "name": "one"}', undefined, 1],
      ['{"result": {"items": [{"a": 1}], "cursor": "c"}}', '$.result.items', 1],
      ['{"odd key": [{"a": 1}]}', "$['odd key'][*]", 1],
      ['{"data": {"x": {"a": 1}, "y": {"a": 2}}, "n": 1}', '$.data[*]', 2],
      ['{"data": {"a": 1}, "n": 1}', '$.data', 1],
      ['{"data": null, "next": null}', '$.data[*]', 0],
    ];

    for (const [body, records, count] of cases) {
      const { streamed, whole } = await bothWays(body, records === undefined ? {} : { records });
      expect(streamed).toEqual(whole);
      expect(streamed.records).toHaveLength(count);
    }
  });

  it('hands on objects only, leaving the records container empty in the envelope', async () => {
    const { records, envelope } = await read(
      '{"data": [{"a": 1}, 2, null, {"b": 2}], "next": "x"}',
      {
        records: '$.data[*]',
      },
    );

    expect(records).toEqual([{ a: 1 }, { b: 2 }]);
    expect(envelope).toEqual({ data: [], next: 'x' });
  });

  it('reads a single object as one record and keeps it as the envelope', async () => {
    const { records, envelope } = await read('{"id": 7, "next": "n"}');

    expect(records).toEqual([{ id: 7, next: 'n' }]);
    expect(envelope).toEqual({ id: 7, next: 'n' });
  });

  it('evaluates a records path with a filter on the whole body', async () => {
    const body = '{"groups": [{"items": [{"a": 1}, {"a": 2}]}, {"items": [{"a": 3}]}]}';

    const { records } = await read(body, { records: '$.groups[*].items[?(@.a > 1)]' });

    expect(records).toEqual([{ a: 2 }, { a: 3 }]);
  });

  it('switches from the fast path to streaming when the decoded body outgrows it', async () => {
    const body = JSON.stringify({
      data: Array.from({ length: 2000 }, (_, id) => ({ id })),
      next: 'z',
    });
    const gzipped = gzipSync(body);

    const { records, envelope } = await read(gzipped, {
      records: '$.data[*]',
      contentLength: gzipped.length,
      fastPathBytes: 4096,
    });

    expect(records).toHaveLength(2000);
    expect(records[1999]).toEqual({ id: 1999 });
    expect(envelope).toEqual({ data: [], next: 'z' });
  });

  it('keeps a __proto__ key as an own field, as JSON.parse does', async () => {
    const { records } = await read('[{"__proto__": {"polluted": true}, "a": 1}]');

    expect(Object.keys(records[0] ?? {})).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('fails on a records path that matches nothing, naming the path', async () => {
    const error = await failure('{"items": [{"a": 1}]}', { records: '$.data[*]' });

    expect(error.message).toContain('the records path $.data[*] matches nothing');
    expect(error.message).toContain('body starts with "{"items": [{"a": 1}]}"');
  });

  it('fails on a truncated body', async () => {
    const error = await failure('{"data": [{"a": 1}, {"a": 2');

    expect(error.message).toMatch(
      /expected a JSON body \(.+\): body starts with "\{"data": \[\{"a": 1\}, \{"a": 2"/,
    );
  });

  it('fails on an empty body, a bare string and trailing text', async () => {
    expect((await failure('')).message).toContain('the body is empty');
    expect((await failure(' \n ')).message).toContain('the body is empty');
    expect((await failure('"hello"')).message).toContain(
      'expected a JSON object or array, got a string',
    );
    expect((await failure('[{"a": 1}] [')).message).toContain('unexpected [');
    expect((await failure('{"a" 1}')).message).toContain('expected a JSON body');
  });

  it('fails the same way on the fast path', async () => {
    const body = '<html><body>Service Unavailable</body></html>';
    const error = await failure(body, { contentLength: body.length });

    expect(error.message).toContain(
      'body starts with "<html><body>Service Unavailable</body></html>"',
    );
  });
});
