import { z } from 'zod';

import { credentialRefSchema } from './credential-schema.js';
import { destinationSchema } from './destination-schema.js';
import { restSourceSchema } from './rest-source-schema.js';

const rateLimitSchema = z.union([
  z.literal('off'),
  z.literal(false),
  z.strictObject({ requests_per_minute: z.number().positive() }),
]);

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

/** A source that uses one of the Hotjar templates. */
export const hotjarSourceSchema = z.strictObject({
  type: z.literal('hotjar'),
  credential: credentialRefSchema,
  template: z.string().min(1),
  params: z.record(z.string(), paramValue).default({}),
  base_url: z.url().optional(),
  sync: z.enum(['incremental', 'full_refresh']).optional(),
  rate_limit: rateLimitSchema.optional(),
  /** Surveys fetched at once when a template fans out over every survey; default 8. */
  concurrency: z.number().int().min(1).max(64).optional(),
  lookback: z.union([z.string(), z.number()]).optional(),
});

export const sourceSchema = z.discriminatedUnion('type', [hotjarSourceSchema, restSourceSchema]);

/** The flow file: the contract shared by the CLI, the API and the UI. */
export const flowSchema = z.strictObject({
  version: z.literal(1),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_" and "-", at most 128'),
  description: z.string().optional(),
  source: sourceSchema,
  transforms: z.array(z.unknown()).max(0, 'transforms are not supported yet').default([]),
  destination: destinationSchema,
  schedule: z.string().optional(),
});

export type FlowConfig = z.infer<typeof flowSchema>;
export type HotjarSourceConfig = z.infer<typeof hotjarSourceSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
