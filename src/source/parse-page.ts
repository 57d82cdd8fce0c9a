import { ParseError } from '../errors/errors.js';
import { describeResponse } from '../http/describe-response.js';
import type { HttpRequest, HttpResponse } from '../http/http-types.js';
import type { FlowRecord } from '../destinations/destination.js';
import { parseJsonExact } from '../json/exact-json.js';
import { queryPath } from './json-path.js';
import type { StepPlan } from './source-plan.js';

/**
 * Parses a page and finds its records. A 200 that is not what the format promises (HTML, an empty
 * body, JSON without the records container) is an error naming the request and showing a short
 * redacted preview — never "success, 0 records".
 */
export async function parsePage(
  response: HttpResponse,
  request: HttpRequest,
  step: StepPlan,
): Promise<{ records: FlowRecord[]; body: unknown }> {
  if (step.format !== 'json' || isGzip(response.body)) return parseOtherFormat(response, step);

  const text = response.body.toString('utf8');
  let body: unknown;
  try {
    if (text.trim() === '') throw new Error('the body is empty');
    body = parseJsonExact(text);
  } catch (error) {
    throw new ParseError(
      `expected a JSON body: ${describeResponse({ ...response, method: request.method })}`,
      { cause: error },
    );
  }

  return {
    records: findRecords(body, step.records, () =>
      describeResponse({ ...response, method: request.method }),
    ),
    body,
  };
}

/**
 * NDJSON, CSV, TSV, XML, and gzip bodies sent without a Content-Encoding header: the streaming
 * parsers, fed the buffered body. JSON keeps its envelope for pagination paths.
 */
async function parseOtherFormat(
  response: HttpResponse,
  step: StepPlan,
): Promise<{ records: FlowRecord[]; body: unknown }> {
  // TODO(#4): hand the parsers the response stream itself, so a huge page is never held whole.
  // Loaded on first use: JSON pages, the common case, never need the streaming parsers.
  const { parseRecords } = await import('./formats/parse-records.js');
  const parsed = parseRecords(once(response.body), {
    format: step.format,
    records: step.records,
    csv: step.csv,
    xml: step.xml,
  });

  const records: FlowRecord[] = [];
  for await (const record of parsed) records.push(record);
  return { records, body: step.format === 'json' ? parsed.envelope() : undefined };
}

async function* once(body: Buffer): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(body);
}

function isGzip(body: Buffer): boolean {
  return body.length > 2 && body[0] === 0x1f && body[1] === 0x8b;
}

function findRecords(
  body: unknown,
  path: string | undefined,
  describe: () => string,
): FlowRecord[] {
  if (path === undefined) {
    if (Array.isArray(body)) return body.filter(isRecord);
    if (isRecord(body)) return [body];
    throw new ParseError(`expected a JSON object or array: ${describe()}`);
  }

  const found = queryPath(body, path);
  if (found.length === 0 && !containerExists(body, path)) {
    throw new ParseError(`the records path ${path} matches nothing in the body: ${describe()}`);
  }
  return found.filter(isRecord);
}

/** For `$.results[*]`: does `results` exist (an empty list is a real empty page)? */
function containerExists(body: unknown, path: string): boolean {
  const container = path.endsWith('[*]') ? path.slice(0, -3) : path;
  return container === '$' || queryPath(body, container).length > 0;
}

function isRecord(value: unknown): value is FlowRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
