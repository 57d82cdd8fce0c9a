import { describe, expect, it } from 'vitest';

import { ParseError } from '../../errors/errors.js';
import { type FormatOptions, parseRecords } from './parse-records.js';
import { chunksOf, collect } from './test-support/body-streams.js';

function xml(body: string, options: Partial<FormatOptions> = {}, chunk = 1) {
  return collect(parseRecords(chunksOf(body, chunk), { format: 'xml', ...options }));
}

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Responses</title>
  <entry id="1" lang="fr">
    <title>Très &amp; bien 😀</title>
    <tag>a</tag>
    <tag>b</tag>
    <author><name>Zoë</name><email>z@example.com</email></author>
    <summary><![CDATA[<b>bold</b> & raw]]></summary>
    <link href="https://example.com/1"/>
    <empty></empty>
  </entry>
  <entry id="2"><title>&#x4E16;&#30028; &lt;ok&gt;</title><note kind="x">text</note></entry>
</feed>`;

describe('XML records', () => {
  it('shapes each element at the path into a record', async () => {
    const records = await xml(FEED, { records: 'feed.entry' });

    expect(records).toEqual([
      {
        '@id': '1',
        '@lang': 'fr',
        title: 'Très & bien 😀',
        tag: ['a', 'b'],
        author: { name: 'Zoë', email: 'z@example.com' },
        summary: '<b>bold</b> & raw',
        link: { '@href': 'https://example.com/1' },
        empty: '',
      },
      { '@id': '2', title: '世界 <ok>', note: { '@kind': 'x', '#text': 'text' } },
    ]);
  });

  it('accepts a slash path and an attribute prefix of choice', async () => {
    const body =
      '<rss><channel><title>t</title><item a="1"><b>2</b></item><item a="3"><b>4</b></item></channel></rss>';

    const records = await xml(body, { records: '/rss/channel/item', xml: { attributePrefix: '' } });

    expect(records).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ]);
  });

  it('takes the children of the root element when no path is given', async () => {
    expect(await xml('<rows><row><id>1</id></row><row><id>2</id></row></rows>', {}, 3)).toEqual([
      { id: '1' },
      { id: '2' },
    ]);
  });

  it('fails when the path matches nothing, naming it', async () => {
    const error = await xml(FEED, { records: 'feed.item' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toContain('the element path feed.item matches nothing');
  });

  it('fails on a truncated body', async () => {
    const error = await xml('<rows><row><id>1</id></row><row><id>2', { records: 'rows.row' }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toContain('expected a XML body');
  });
});
