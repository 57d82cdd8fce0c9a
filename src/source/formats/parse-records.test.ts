import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ParseError, ResponseTooLargeError } from '../../errors/errors.js';
import { type FormatOptions, parseRecords } from './parse-records.js';
import {
  type BodyServer,
  chunksOf,
  collect,
  fetchBody,
  startBodyServer,
} from './test-support/body-streams.js';
import {
  PEOPLE,
  asStrings,
  peopleCsv,
  peopleJson,
  peopleNdjson,
  peopleTsv,
  peopleXml,
} from './test-support/sample-people.js';

interface Sample {
  name: string;
  body: () => Buffer;
  headers?: Record<string, string>;
  options: FormatOptions;
}

const SAMPLES: Sample[] = [
  {
    name: 'json',
    body: () => Buffer.from(peopleJson()),
    options: { format: 'json', records: '$.data[*]' },
  },
  { name: 'ndjson', body: () => Buffer.from(peopleNdjson()), options: { format: 'ndjson' } },
  { name: 'csv', body: () => Buffer.from(peopleCsv()), options: { format: 'csv' } },
  { name: 'tsv', body: () => Buffer.from(peopleTsv()), options: { format: 'tsv' } },
  {
    name: 'xml',
    body: () => Buffer.from(peopleXml()),
    options: { format: 'xml', records: 'people.person', xml: { attributePrefix: '' } },
  },
  {
    name: 'gzip json with content-encoding',
    body: () => gzipSync(peopleJson()),
    headers: { 'content-encoding': 'gzip' },
    options: { format: 'json', records: '$.data[*]' },
  },
  {
    name: 'gzip json without content-encoding',
    body: () => gzipSync(peopleJson()),
    options: { format: 'json', records: '$.data[*]' },
  },
  {
    name: 'gzip csv without content-encoding',
    body: () => gzipSync(peopleCsv()),
    options: { format: 'csv' },
  },
];

const EXPECTED = PEOPLE.map((person) => asStrings(person));

describe('parseRecords over a real HTTP server', () => {
  let server: BodyServer;

  beforeAll(async () => {
    server = await startBodyServer((req, res) => {
      const sample = SAMPLES.find(
        (candidate) => `/${encodeURIComponent(candidate.name)}` === req.url,
      );
      if (sample === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, sample.headers ?? {}).end(sample.body());
    });
  });

  afterAll(() => server.close());

  it.each(SAMPLES)('reads the same five records from $name', async (sample) => {
    const response = await fetchBody(`${server.url}/${encodeURIComponent(sample.name)}`);
    const parsed = parseRecords(response.body, {
      ...sample.options,
      contentEncoding: response.contentEncoding,
    });

    const records = await collect(parsed);

    expect(records.map(asStrings)).toEqual(EXPECTED);
  });

  it('keeps JSON numbers as numbers and gives the envelope without the records', async () => {
    const response = await fetchBody(`${server.url}/json`);
    const parsed = parseRecords(response.body, { format: 'json', records: '$.data[*]' });

    const records = await collect(parsed.records);

    expect(records).toEqual(PEOPLE);
    expect(parsed.envelope()).toEqual({ data: [], next_cursor: 'c-2', total: 5 });
  });
});

describe('parseRecords over chunk boundaries at every byte', () => {
  it.each(SAMPLES)('reads the same five records from $name', async (sample) => {
    const parsed = parseRecords(chunksOf(sample.body(), 1), {
      ...sample.options,
      contentEncoding: sample.headers?.['content-encoding'],
    });

    const records = await collect(parsed);

    expect(records.map(asStrings)).toEqual(EXPECTED);
  });
});

describe('parseRecords streaming', () => {
  const HALVES: Record<string, { options: FormatOptions; first: string; rest: string }> = {
    json: {
      options: { format: 'json', records: '$.data[*]' },
      first: '{"data": [{"id": 1}, ',
      rest: '{"id": 2}]}',
    },
    ndjson: { options: { format: 'ndjson' }, first: '{"id": 1}\n', rest: '{"id": 2}\n' },
    // The CSV parser looks a few bytes past a row's end before handing the row on.
    csv: { options: { format: 'csv' }, first: 'id,name\n1,Ana\n2,Bo', rest: 'b\n' },
    xml: {
      options: { format: 'xml', records: 'r.row' },
      first: '<r><row><id>1</id></row>',
      rest: '<row><id>2</id></row></r>',
    },
  };

  it.each(Object.entries(HALVES))(
    'hands on the first %s record before the body ends',
    async (_name, half) => {
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let restSent = false;
      const server = await startBodyServer(async (_req, res) => {
        res.writeHead(200);
        res.write(half.first);
        await Promise.race([released, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        restSent = true;
        res.end(half.rest);
      });

      try {
        const response = await fetchBody(server.url);
        const seen: { id: unknown; restSentBefore: boolean }[] = [];
        for await (const record of parseRecords(response.body, half.options)) {
          seen.push({ id: record['id'], restSentBefore: restSent });
          release();
        }

        expect(seen.map((entry) => String(entry.id))).toEqual(['1', '2']);
        expect(seen[0]?.restSentBefore).toBe(false);
      } finally {
        await server.close();
      }
    },
  );
});

describe('parseRecords failures', () => {
  it('refuses a body larger than maxBytes with a readable ResponseTooLargeError', async () => {
    const big = JSON.stringify(
      Array.from({ length: 20_000 }, (_, id) => ({ id, text: 'x'.repeat(100) })),
    );
    const server = await startBodyServer((_req, res) => res.end(big));

    try {
      const response = await fetchBody(server.url);
      const error = await collect(
        parseRecords(response.body, { format: 'json', maxBytes: 1_000_000 }),
      ).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect((error as Error).message).toMatch(/too large.*1,000,000 bytes.*max_response_bytes/);
    } finally {
      await server.close();
    }
  });

  it('counts the limit in decoded bytes, so a small gzip body that inflates hugely is refused', async () => {
    const bomb = gzipSync(Buffer.from(`[${'{"a":0},'.repeat(1_000_000)}{"a":0}]`));
    expect(bomb.length).toBeLessThan(100_000);

    const error = await collect(
      parseRecords(chunksOf(bomb, 4096), { format: 'json', maxBytes: 1_000_000 }),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseTooLargeError);
  });

  it('turns an HTML page served as JSON into a ParseError showing its start', async () => {
    const html = `<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>${'<p>Please sign in.</p>'.repeat(50)}</body></html>`;
    const server = await startBodyServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(html),
    );

    try {
      const response = await fetchBody(server.url);
      const error = await collect(
        parseRecords(response.body, { format: 'json', records: '$.data[*]' }),
      ).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ParseError);
      const parseError = error as ParseError;
      expect(parseError.code).toBe('PARSE_FAILED');
      expect(parseError.message).toContain('expected a JSON body');
      expect(parseError.message).toContain('<!DOCTYPE html> <html><head><title>Sign in');
      expect([...(parseError.details['preview'] as string)].length).toBeLessThanOrEqual(200);
    } finally {
      await server.close();
    }
  });

  it('turns an HTML page served as XML into a ParseError showing its start', async () => {
    const html =
      '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Oops</title></head><body>&nbsp;</body></html>';

    const error = await collect(parseRecords(chunksOf(html, 16), { format: 'xml' })).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(
      /expected a XML body .*body starts with "<!DOCTYPE html>/,
    );
  });

  it('masks secrets in the preview', async () => {
    const error = await collect(
      parseRecords(chunksOf('<html>token s3cr3t-value-123 leaked</html>', 7), {
        format: 'json',
        secrets: ['s3cr3t-value-123'],
      }),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).not.toContain('s3cr3t-value-123');
  });

  it('refuses to give the envelope before the records are read', () => {
    const parsed = parseRecords(chunksOf('[]', 1), { format: 'json' });

    expect(() => parsed.envelope()).toThrow(/after every record/);
  });
});
