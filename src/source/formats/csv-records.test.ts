import { describe, expect, it } from 'vitest';

import { ParseError } from '../../errors/errors.js';
import { type FormatOptions, parseRecords } from './parse-records.js';
import { chunksOf, collect } from './test-support/body-streams.js';

function csv(body: string | Buffer, options: Partial<FormatOptions> = {}, chunk = 1) {
  return collect(parseRecords(chunksOf(body, chunk), { format: 'csv', ...options }));
}

describe('CSV and TSV records', () => {
  it('names fields from the header row and keeps every value a string', async () => {
    const body =
      '\uFEFFid,name,note\r\n1,"Doe, Jane","said ""hi""\nthen left"\r\n\r\n2,Zoë 😀,\r\n';

    const records = await csv(body);

    expect(records).toEqual([
      { id: '1', name: 'Doe, Jane', note: 'said "hi"\nthen left' },
      { id: '2', name: 'Zoë 😀', note: '' },
    ]);
  });

  it('reads a latin1 body', async () => {
    const body = Buffer.from('name;city\nJosé;Málaga\nFrançois;Besançon\n', 'latin1');

    const records = await csv(body, { csv: { delimiter: ';', encoding: 'latin1' } });

    expect(records).toEqual([
      { name: 'José', city: 'Málaga' },
      { name: 'François', city: 'Besançon' },
    ]);
  });

  it('reads windows-1252 and UTF-16LE bodies', async () => {
    const cp1252 = Buffer.from([0x61, 0x0a, 0x80, 0x20, 0x93, 0x71, 0x94, 0x0a]);
    expect(await csv(cp1252, { csv: { encoding: 'windows-1252' } })).toEqual([{ a: '€ “q”' }]);

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n😀,ü\n', 'utf16le')]);
    expect(await csv(utf16, { csv: { encoding: 'utf-16le' } })).toEqual([{ a: '😀', b: 'ü' }]);
  });

  it('reads a TSV body with a tab by default, and any other delimiter and quote', async () => {
    expect(await collect(parseRecords(chunksOf('a\tb\n1\t2,3\n', 2), { format: 'tsv' }))).toEqual([
      { a: '1', b: '2,3' },
    ]);

    expect(await csv("a|b\n'x|y'|z\n", { csv: { delimiter: '|', quote: "'" } })).toEqual([
      { a: 'x|y', b: 'z' },
    ]);
  });

  it('numbers the fields when there is no header row', async () => {
    expect(await csv('1,2\n3,4\n', { csv: { header: false } })).toEqual([
      { column_1: '1', column_2: '2' },
      { column_1: '3', column_2: '4' },
    ]);
  });

  it('fails on a row with the wrong number of fields, naming the line', async () => {
    const error = await csv('a,b\n1,2\n3,4,5\n').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(
      /expected a CSV body \(.*line 3.*\): body starts with "a,b 1,2 3,4,5"/,
    );
  });

  it('refuses an unknown encoding', async () => {
    const error = await csv('a\n1\n', { csv: { encoding: 'klingon-8' } }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toContain('unsupported text encoding "klingon-8"');
  });
});
