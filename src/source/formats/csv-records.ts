import { Readable, pipeline } from 'node:stream';

import { CsvError, parse } from 'csv-parse';

import type { FlowRecord } from '../../destinations/destination.js';
import { errorText, parseFailure, type ParseFailureContext } from './body-head.js';
import { decodeText } from './decode-text.js';

export interface CsvOptions {
  /** Field separator; default `,` for csv and a tab for tsv. */
  delimiter?: string | undefined;
  /** Quote character; default `"`; an empty string turns quoting off. */
  quote?: string | undefined;
  /** Whether the first row names the fields; default true. Without it: `column_1`, `column_2` … */
  header?: boolean | undefined;
  /** Text encoding of the body; default `utf-8` (see decodeText for the others). */
  encoding?: string | undefined;
}

/**
 * Records of a CSV or TSV body, one per row, parsed by csv-parse as the body arrives. Values stay
 * strings exactly as written (no number or date guessing, an empty field is ""); a byte-order mark
 * is dropped and blank lines are skipped. A row is handed on once a few bytes after it have
 * arrived (the parser looks ahead to tell `\r\n` from `\r`), or at the end. A row whose field count differs from the header's, or a
 * broken quote, is a ParseError naming the line.
 */
export async function* parseCsvRecords(
  body: AsyncIterable<Uint8Array>,
  options: CsvOptions & { defaultDelimiter: string; context: ParseFailureContext },
): AsyncGenerator<FlowRecord> {
  const header = options.header ?? true;
  const parser = parse({
    delimiter: options.delimiter ?? options.defaultDelimiter,
    quote: options.quote === '' ? false : (options.quote ?? '"'),
    columns: header,
    bom: true,
    skip_empty_lines: true,
    // A quote inside an unquoted field is kept as text: TSV exports rarely quote at all.
    relax_quotes: true,
  });

  // The callback form keeps a failed source from becoming an unhandled rejection: the error
  // reaches the loop below through the destroyed parser instead.
  pipeline(Readable.from(decodeText(body, options.encoding)), parser, () => undefined);

  try {
    for await (const row of parser) yield header ? (row as FlowRecord) : numbered(row as string[]);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw parseFailure(options.context, errorText(error), error);
  }
}

function numbered(row: readonly string[]): FlowRecord {
  return Object.fromEntries(row.map((value, index) => [`column_${index + 1}`, value]));
}
