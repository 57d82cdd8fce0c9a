import { SaxesParser } from 'saxes';

import type { FlowRecord } from '../../destinations/destination.js';
import { errorText, parseFailure, type ParseFailureContext } from './body-head.js';
import { decodeText } from './decode-text.js';
import { parseElementPath } from './element-path.js';
import { XmlRecordBuilder } from './xml-record-builder.js';

export interface XmlOptions {
  /** Element path to the records (`feed.entry`, `/rss/channel/item`); default: the root's children. */
  records?: string | undefined;
  /** Put before attribute names to tell them from child elements; default `@`. */
  attributePrefix?: string | undefined;
  context: ParseFailureContext;
}

/**
 * Records of an XML body, parsed by the saxes SAX parser as it arrives (UTF-8). Each element at the
 * path is a record, shaped by XmlRecordBuilder; CDATA is text; the five XML entities and character
 * references are resolved. A body that is not well-formed XML (an HTML page, a truncated body), or
 * in which the path matches nothing, is a ParseError showing the body's start.
 */
export async function* parseXmlRecords(
  body: AsyncIterable<Uint8Array>,
  options: XmlOptions,
): AsyncGenerator<FlowRecord> {
  const ready: FlowRecord[] = [];
  const builder = new XmlRecordBuilder(
    parseElementPath(options.records),
    options.attributePrefix ?? '@',
    (record) => ready.push(record),
  );
  const parser = createParser(builder);

  // TODO(#4): the encoding declared in the XML prolog is not honoured; bodies are read as UTF-8.
  for await (const text of decodeText(body)) {
    guard(options.context, () => parser.write(text));
    yield* ready.splice(0);
  }

  guard(options.context, () => parser.close());
  yield* ready.splice(0);

  if (!builder.matched) {
    const path = options.records ?? 'the children of the root element';
    throw parseFailure(options.context, `the element path ${path} matches nothing in the body`);
  }
}

function createParser(builder: XmlRecordBuilder): SaxesParser {
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => builder.open(tag.name, tag.attributes as Record<string, string>));
  parser.on('text', (text) => builder.text(text));
  parser.on('cdata', (text) => builder.text(text));
  parser.on('closetag', () => builder.close());
  parser.on('error', (error) => {
    throw error;
  });
  return parser;
}

function guard(context: ParseFailureContext, step: () => unknown): void {
  try {
    step();
  } catch (error) {
    throw parseFailure(context, errorText(error), error);
  }
}
