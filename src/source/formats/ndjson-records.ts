import type { FlowRecord } from '../../destinations/destination.js';
import { ParseError } from '../../errors/errors.js';
import { bodyPreview } from '../../http/describe-response.js';
import { parseJsonExact } from '../../json/exact-json.js';
import { errorText } from './body-head.js';
import { decodeText } from './decode-text.js';

/**
 * Records of a newline-delimited JSON body: one JSON object per line (`\n` or `\r\n`), blank lines
 * skipped, integers beyond 2^53 kept as bigint. A line that is not a JSON object is a ParseError
 * naming its line number and showing its start; the records before it have been handed on.
 */
export async function* parseNdjsonRecords(
  body: AsyncIterable<Uint8Array>,
  secrets: readonly string[] = [],
): AsyncGenerator<FlowRecord> {
  const pending: string[] = [];
  let lineNumber = 0;

  for await (const text of decodeText(body)) {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      pending.push(text.slice(start, end));
      lineNumber += 1;
      yield* parseLine(pending.splice(0).join(''), lineNumber, secrets);
      start = end + 1;
    }

    if (start < text.length) pending.push(text.slice(start));
  }

  if (pending.length > 0) yield* parseLine(pending.join(''), lineNumber + 1, secrets);
}

function parseLine(raw: string, lineNumber: number, secrets: readonly string[]): FlowRecord[] {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return [];

  let value: unknown;
  try {
    value = parseJsonExact(line);
  } catch (error) {
    throw lineError(line, lineNumber, `is not valid JSON (${errorText(error)})`, secrets, error);
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw lineError(line, lineNumber, `is ${kind}, not a JSON object`, secrets);
  }
  return [value as FlowRecord];
}

function lineError(
  line: string,
  lineNumber: number,
  problem: string,
  secrets: readonly string[],
  cause?: unknown,
): ParseError {
  const preview = bodyPreview(Buffer.from(line.slice(0, 1024)), secrets);
  return new ParseError(`NDJSON line ${lineNumber} ${problem}: "${preview}"`, {
    cause,
    details: { format: 'ndjson', line: lineNumber, preview },
  });
}
