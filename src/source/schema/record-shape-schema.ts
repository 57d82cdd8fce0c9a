import { z } from 'zod';

/**
 * A value taken from a record's context: a dotted path such as `record.id`, `item.answer`,
 * `parent.questions`, `params.site_id`; a list means "the first that is present".
 */
const pathValue = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** Looks a value up in a list: the `value` field of the element whose `key` equals `equals`. */
const lookupValue = z.strictObject({
  lookup: z.string().min(1),
  key: z.string().min(1),
  equals: z.string().min(1),
  value: z.string().min(1),
});

export const fieldExpressionSchema = z.union([pathValue, lookupValue]);

/**
 * How raw records become output records: `explode` turns each element of an array field into a
 * record (as `item`); `fields` builds the output (the key `*` spreads an object's fields); `add`
 * appends fields to the record as it is. Without `fields` the record passes through.
 */
export const recordShapeSchema = z.strictObject({
  explode: z.string().optional(),
  fields: z.record(z.string(), fieldExpressionSchema).optional(),
  add: z.record(z.string(), fieldExpressionSchema).optional(),
});

export type RecordShape = z.infer<typeof recordShapeSchema>;
export type FieldExpression = z.infer<typeof fieldExpressionSchema>;
