import { z } from 'zod';

import { credentialRefSchema } from './credential-schema.js';
import { durationSchema } from './duration-schema.js';

const stopSchema = z.enum(['empty', 'short', 'total', 'has_more']);

const pageStopFields = {
  stop: stopSchema.default('empty'),
  total_path: z.string().optional(),
  /** `stop: total` reading the total from a response header instead (e.g. X-Total-Count). */
  total_header: z.string().optional(),
  has_more_path: z.string().optional(),
  max_pages: z.number().int().positive().optional(),
};

/** Every pagination kind of the flow-file contract. */
export const paginationSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none'), max_pages: z.number().int().positive().optional() }),
  z.strictObject({
    type: z.literal('cursor'),
    cursor_path: z.string().optional(),
    cursor_header: z.string().optional(),
    cursor_param: z.string().min(1),
    cursor_in: z.enum(['query', 'header', 'body']).default('query'),
    empty_cursor: z.enum(['end', 'continue']).default('end'),
    max_pages: z.number().int().positive().optional(),
  }),
  z.strictObject({
    type: z.literal('next_url'),
    next_url_path: z.string().min(1),
    max_pages: z.number().int().positive().optional(),
  }),
  z.strictObject({
    type: z.literal('link_header'),
    rel: z.string().default('next'),
    max_pages: z.number().int().positive().optional(),
  }),
  z.strictObject({
    type: z.literal('page'),
    page_param: z.string().min(1),
    start: z.number().int().default(1),
    size_param: z.string().optional(),
    size: z.number().int().positive().optional(),
    page_in: z.enum(['query', 'body']).default('query'),
    ...pageStopFields,
  }),
  z.strictObject({
    type: z.literal('offset'),
    offset_param: z.string().min(1),
    limit_param: z.string().optional(),
    limit: z.number().int().positive().optional(),
    start: z.number().int().nonnegative().default(0),
    offset_in: z.enum(['query', 'body']).default('query'),
    ...pageStopFields,
  }),
]);

export const requestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('GET'),
  url: z.string().min(1),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
  body_format: z.enum(['json', 'form']).default('json'),
});

export const incrementalSchema = z.strictObject({
  cursor_field: z.string().min(1),
  order: z.enum(['asc', 'desc']).default('asc'),
  lookback: durationSchema.optional(),
  /** A request parameter that carries the bookmark, so the API filters for us. */
  param: z.string().optional(),
  param_in: z.enum(['query', 'body']).default('query'),
});

/**
 * A first step whose records drive the main request: the main request runs once per parent
 * record, with that record's fields as `{parent.field}` macros.
 */
export const parentStepSchema = z.strictObject({
  request: requestSchema,
  format: z.literal('json').default('json'),
  records: z.string().optional(),
  pagination: paginationSchema.default({ type: 'none' }),
});

/** The manual REST source: any endpoint, described declaratively. */
export const restSourceSchema = z.strictObject({
  type: z.literal('rest'),
  credential: credentialRefSchema.default({ type: 'none' }),
  parent: parentStepSchema.optional(),
  /** The state partition of each child pass, e.g. `user:{parent.id}`; default `{parent.id}`. */
  partition: z.string().optional(),
  /** Parent records read at once; default 4. */
  concurrency: z.number().int().min(1).max(64).optional(),
  request: requestSchema,
  format: z.enum(['json', 'ndjson', 'csv', 'tsv', 'xml']).default('json'),
  records: z.string().optional(),
  /** CSV/TSV: delimiter (default `,` or tab), quote (default `"`), header row, text encoding. */
  csv: z
    .strictObject({
      delimiter: z.string().min(1).optional(),
      quote: z.string().max(1).optional(),
      header: z.boolean().optional(),
      encoding: z.string().min(1).optional(),
    })
    .optional(),
  /** XML: the prefix of attribute fields (default `@`). */
  xml: z.strictObject({ attribute_prefix: z.string().optional() }).optional(),
  pagination: paginationSchema.default({ type: 'none' }),
  primary_key: z.array(z.string().min(1)).default([]),
  /**
   * Fields added to every record: a JSONPath (`$.meta.site`) into the body around the records,
   * or text with `{macros}` (`{parent.id}`, `{now}`).
   */
  add_fields: z.record(z.string().min(1), z.string()).optional(),
  incremental: incrementalSchema.optional(),
  sync: z.enum(['incremental', 'full_refresh']).optional(),
  rate_limit: z
    .union([
      z.literal('off'),
      z.literal(false),
      z.strictObject({ requests_per_minute: z.number().positive() }),
    ])
    .optional(),
  max_response_bytes: z.number().int().positive().optional(),
});

export type RestSourceConfig = z.infer<typeof restSourceSchema>;
export type PaginationConfig = z.infer<typeof paginationSchema>;
export type RequestConfig = z.infer<typeof requestSchema>;
export type IncrementalConfig = z.infer<typeof incrementalSchema>;
