import { describe, expect, it } from 'vitest';

import { ParseError } from '../../errors/errors.js';
import { parseRecords } from './parse-records.js';
import { chunksOf, collect } from './test-support/body-streams.js';

function ndjson(body: string, chunk = 1) {
  return collect(parseRecords(chunksOf(body, chunk), { format: 'ndjson' }));
}

describe('NDJSON records', () => {
  it('reads one record per line, skipping blank lines, with LF or CRLF and no final newline', async () => {
    const body = '{"a": 1}\r\n\n   \n{"b": "é😀"}\n{"c": 9007199254740993}';

    const records = await ndjson(body);

    expect(records).toEqual([{ a: 1 }, { b: 'é😀' }, { c: 9007199254740993n }]);
  });

  it('names the line number and shows the start of a bad line', async () => {
    const body = '{"a": 1}\n\n{"b": 2}\n{"c": oops, "d": "more text"}\n{"e": 5}\n';

    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const record of parseRecords(chunksOf(body, 3), { format: 'ndjson' }))
        seen.push(record);
    })().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).message).toMatch(
      /^NDJSON line 4 is not valid JSON \(.+\): "\{"c": oops, "d": "more text"\}"$/,
    );
    expect((error as ParseError).details['line']).toBe(4);
    expect(seen).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('refuses a line that is valid JSON but not an object', async () => {
    const error = await ndjson('{"a": 1}\n[1, 2]\n').catch((caught: unknown) => caught);

    expect((error as Error).message).toContain('NDJSON line 2 is an array, not a JSON object');
  });

  it('cuts the preview of a very long bad line to 200 characters', async () => {
    const error = await ndjson(`{"a": ${'x'.repeat(5000)}}\n`, 512).catch(
      (caught: unknown) => caught,
    );

    const preview = (error as ParseError).details['preview'] as string;
    expect([...preview].length).toBeLessThanOrEqual(200);
  });
});
