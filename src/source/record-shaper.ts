import type { FlowRecord } from '../destinations/destination.js';
import type { FieldExpression, RecordShape } from './schema/record-shape-schema.js';

/** What a field expression can reach: `record.x`, `item.x`, `parent.x`, `params.x`, `index`. */
export interface ShapeContext {
  params: Readonly<Record<string, unknown>>;
  parent?: Readonly<Record<string, unknown>>;
}

/**
 * Turns one raw record into output records as a template's shape says; the common case (no shape,
 * or only `add`) costs one object spread.
 */
export function shapeRecord(
  raw: FlowRecord,
  shape: RecordShape | undefined,
  context: ShapeContext,
): FlowRecord[] {
  if (shape === undefined) return [raw];

  if (shape.explode === undefined) {
    const scope = { record: raw, params: context.params, parent: context.parent };
    const base = shape.fields === undefined ? raw : buildFields(shape.fields, scope);
    // The record was parsed for this run alone: adding fields in place spares a copy per record.
    if (shape.add !== undefined) addFields(base, shape.add, scope);
    return [base];
  }

  const items = raw[shape.explode];
  if (!Array.isArray(items)) return [];

  return items.map((item: unknown, index) => {
    const scope = { record: raw, item, index, params: context.params, parent: context.parent };
    const base = shape.fields === undefined ? asObject(item) : buildFields(shape.fields, scope);
    return shape.add === undefined ? base : { ...base, ...buildFields(shape.add, scope) };
  });
}

function addFields(
  target: FlowRecord,
  fields: Record<string, FieldExpression>,
  scope: Record<string, unknown>,
): void {
  for (const [name, expression] of Object.entries(fields)) {
    const value = evaluate(expression, scope);
    target[name] = value === undefined ? null : value;
  }
}

function buildFields(
  fields: Record<string, FieldExpression>,
  scope: Record<string, unknown>,
): FlowRecord {
  const out: FlowRecord = {};
  for (const [name, expression] of Object.entries(fields)) {
    const value = evaluate(expression, scope);
    if (name === '*') Object.assign(out, asObject(value));
    else out[name] = value === undefined ? null : value;
  }
  return out;
}

function evaluate(expression: FieldExpression, scope: Record<string, unknown>): unknown {
  if (typeof expression === 'string') return readPath(scope, expression);
  if (Array.isArray(expression)) {
    for (const path of expression) {
      const value = readPath(scope, path);
      if (value !== undefined && value !== null) return value;
    }
    return null;
  }

  const list = readPath(scope, expression.lookup);
  const wanted = readPath(scope, expression.equals);
  if (!Array.isArray(list) || wanted === undefined) return null;

  const match: unknown = list.find(
    (entry) => scalarText(readPath(entry, expression.key)) === scalarText(wanted),
  );
  return match === undefined ? null : (readPath(match, expression.value) ?? null);
}

/** A value as text for comparing IDs: numbers, bigints and strings alike; objects as JSON. */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value) ?? '';
}

/** Reads a dotted path (`record.user.id`); undefined when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function asObject(value: unknown): FlowRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as FlowRecord)
    : { value };
}
