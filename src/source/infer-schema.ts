import type { FlowRecord } from '../destinations/destination.js';

/** A field's inferred JSON types and whether some records lack it. */
export interface FieldSchema {
  types: string[];
  nullable: boolean;
  present_in: number;
}

/** The types seen per top-level field, in first-seen order. */
export function inferSchema(records: readonly FlowRecord[]): Record<string, FieldSchema> {
  const fields = new Map<string, { types: Set<string>; nullable: boolean; count: number }>();
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      const field = fields.get(name) ?? { types: new Set<string>(), nullable: false, count: 0 };
      field.count += 1;
      if (value === null) field.nullable = true;
      else field.types.add(jsonType(value));
      fields.set(name, field);
    }
  }

  const out: Record<string, FieldSchema> = {};
  for (const [name, field] of fields) {
    out[name] = {
      types: [...field.types],
      nullable: field.nullable || field.count < records.length,
      present_in: field.count,
    };
  }
  return out;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
