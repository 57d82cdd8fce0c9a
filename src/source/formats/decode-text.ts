import { TextDecoder } from 'node:util';

import { ParseError } from '../../errors/errors.js';

/**
 * Turns a byte stream into text with one streaming decoder, so a character split across chunks
 * (a two-byte accent, a four-byte emoji) comes out whole. `encoding` is any WHATWG label Node
 * knows (`utf-8` default, `latin1` / `iso-8859-1` (both decoded as windows-1252, as browsers
 * do), `windows-1252`, `utf-16le` …). A leading byte-order mark is dropped. Invalid bytes become
 * U+FFFD, as in a browser, rather than failing the page.
 */
export async function* decodeText(
  body: AsyncIterable<Uint8Array>,
  encoding = 'utf-8',
): AsyncGenerator<string> {
  const decoder = createDecoder(encoding);

  for await (const chunk of body) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }

  const tail = decoder.decode();
  if (tail !== '') yield tail;
}

function createDecoder(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding);
  } catch (error) {
    throw new ParseError(`unsupported text encoding "${encoding}"`, { cause: error });
  }
}
