import { z } from 'zod';

import { durationSchema } from '../../source/schema/duration-schema.js';
import { paginationSchema } from '../../source/schema/rest-source-schema.js';
import { recordShapeSchema } from '../../source/schema/record-shape-schema.js';

const paramSchema = z.strictObject({
  type: z.enum(['id', 'string', 'integer', 'boolean']),
  required: z.boolean().default(false),
  description: z.string().min(1),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

const templateRequestSchema = z.strictObject({
  method: z.enum(['GET', 'POST']).default('GET'),
  /** A path under the source's base URL, with `{param}` macros. */
  path: z.string().startsWith('/'),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

const templateStepSchema = z.strictObject({
  request: templateRequestSchema,
  records: z.string().optional(),
  pagination: paginationSchema.default({ type: 'none' }),
  shape: recordShapeSchema.optional(),
  /** Keep only records whose field equals a parameter, when that parameter is given. */
  match_param: z.strictObject({ param: z.string(), field: z.string() }).optional(),
});

/**
 * A parent step: its records become the partitions of the main step (every survey of a site,
 * say). `bind` names the parameters taken from each parent record (parameter → record field).
 */
const parentStepSchema = templateStepSchema.extend({
  bind: z.record(z.string(), z.string()),
  /** The parent is not fetched when all of these parameters are given. */
  skip_when_params: z.array(z.string()).default([]),
});

/** A Hotjar endpoint template: data for the declarative engine, no code. */
export const templateSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  title: z.string().min(1),
  description: z.string().min(1),
  params: z.record(z.string(), paramSchema),
  primary_key: z.array(z.string()).min(1),
  step: templateStepSchema,
  parent: parentStepSchema.optional(),
  /** The state partition of one pass of the main step, e.g. `survey:{survey_id}`. */
  partition: z.string().default(''),
  incremental: z
    .strictObject({
      cursor_field: z.string(),
      order: z.enum(['asc', 'desc']),
      /** What identifies a record as read before reshaping; default the primary key. */
      record_key: z.array(z.string()).optional(),
      lookback: durationSchema.optional(),
    })
    .optional(),
});

export type Template = z.infer<typeof templateSchema>;
export type TemplateParam = z.infer<typeof paramSchema>;
