import type { FlowRecord } from '../../destinations/destination.js';
import { JsonShapeError } from './json-record-assembler.js';
import type { RecordsPath } from './records-path.js';

/**
 * The records of an already parsed body, with the same meaning the streaming assembler gives a
 * records path, and the envelope: the body with its records container emptied (in place — the
 * parsed body belongs to the caller that just made it).
 */
export function selectRecords(
  body: unknown,
  path: RecordsPath,
): { records: FlowRecord[]; envelope: unknown } {
  if (body === null || typeof body !== 'object') {
    throw new JsonShapeError(
      `expected a JSON object or array, got ${body === null ? 'null' : `a ${typeof body}`}`,
    );
  }

  const { parent, value } = walk(body, path);
  if (Array.isArray(value)) {
    replace(parent, path, []);
    return { records: value.filter(isRecord), envelope: parent === undefined ? [] : body };
  }

  if (isRecord(value) && path.each) {
    replace(parent, path, {});
    return {
      records: Object.values(value).filter(isRecord),
      envelope: parent === undefined ? {} : body,
    };
  }

  return { records: isRecord(value) ? [value] : [], envelope: body };
}

function walk(
  body: object,
  path: RecordsPath,
): { parent: Record<string, unknown> | undefined; value: unknown } {
  let parent: Record<string, unknown> | undefined;
  let value: unknown = body;

  for (const member of path.members) {
    if (!isRecord(value) || !Object.hasOwn(value, member)) {
      throw new JsonShapeError(
        `the records path $.${path.members.join('.')} matches nothing in the body`,
      );
    }
    parent = value;
    value = value[member];
  }
  return { parent, value };
}

function replace(
  parent: Record<string, unknown> | undefined,
  path: RecordsPath,
  empty: unknown,
): void {
  const last = path.members.at(-1);
  if (parent !== undefined && last !== undefined) parent[last] = empty;
}

function isRecord(value: unknown): value is FlowRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
