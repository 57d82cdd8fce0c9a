import type { z } from 'zod';

import { ConfigError } from '../../errors/errors.js';
import { zodIssues } from '../../source/load-flow.js';

/** A request body checked against its schema; 422 with every issue otherwise. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw new ConfigError(zodIssues(result.error));
  return result.data;
}
