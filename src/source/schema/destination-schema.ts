import { z } from 'zod';

const sqliteDestination = z.strictObject({
  type: z.literal('sqlite'),
  path: z.string().min(1),
  table: z.string().min(1),
  write: z.enum(['append', 'upsert', 'replace']).default('append'),
});

const jsonlDestination = z.strictObject({
  type: z.literal('jsonl'),
  path: z.string().min(1),
  write: z.enum(['append', 'replace']).default('append'),
  compression: z.enum(['none']).optional(),
});

/** Where a flow's records land. */
export const destinationSchema = z.discriminatedUnion('type', [
  sqliteDestination,
  jsonlDestination,
]);

export type DestinationSchemaConfig = z.infer<typeof destinationSchema>;
