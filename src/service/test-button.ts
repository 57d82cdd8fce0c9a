import { z } from 'zod';

import { SampleDestination } from '../destinations/sample-destination.js';
import type { EngineServices } from '../engine/engine-services.js';
import { runFlow } from '../engine/run-flow.js';
import type { RunCounts } from '../engine/run-summary.js';
import { redactUrl } from '../http/redact-secrets.js';
import type { Logger } from '../log/logger.js';
import { inferSchema, type FieldSchema } from '../source/infer-schema.js';
import { validateFlow, zodIssues } from '../source/load-flow.js';
import { ConfigError } from '../errors/errors.js';
import { sourceSchema } from '../source/schema/flow-schema.js';
import type { CredentialService } from './credential-service.js';

/** `POST /api/test`: a source as in a flow file, and how much to fetch. */
export const testButtonBodySchema = z.strictObject({
  source: sourceSchema,
  /** Sample records returned; default 10, at most 100. */
  limit: z.number().int().min(1).max(100).optional(),
  /** Pages fetched; default 1, at most 5. */
  pages: z.number().int().min(1).max(5).optional(),
});

export interface TestButtonResult {
  status: 'succeeded' | 'failed';
  samples: unknown[];
  schema: Record<string, FieldSchema>;
  requests: { method: string; url: string; status: number; ms: number }[];
  counts: RunCounts;
  error: { code: string; message: string } | null;
}

export interface TestButtonOptions {
  services: EngineServices;
  credentials: CredentialService;
  logger: Logger;
}

/**
 * The Test button: the first page(s) of the first partition into memory, no state read or
 * written, every request URL redacted. Stored credentials are resolved by name or id; an inline
 * one is used for this request only and never stored.
 */
export async function runTestButton(
  body: unknown,
  options: TestButtonOptions,
): Promise<TestButtonResult> {
  const parsed = testButtonBodySchema.safeParse(body);
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error));
  const { limit, pages } = parsed.data;
  const source = (body as { source: unknown }).source;
  const destination = { type: 'jsonl', path: 'unused.jsonl' };
  const flow = validateFlow({ version: 1, name: 'test', source, destination }, null);

  const samples = new SampleDestination(limit ?? 10);
  const requests: TestButtonResult['requests'] = [];
  const summary = await runFlow({
    flow,
    services: options.services,
    destination: samples,
    logger: options.logger,
    test: { pages: pages ?? 1, partitions: 1 },
    resolveCredential: async (reference) =>
      options.credentials.decrypt(await options.credentials.resolve(reference)),
    onExchange: (request, response, ms) =>
      requests.push({
        method: request.method,
        url: redactUrl(request.url),
        status: response.status,
        ms: Math.round(ms),
      }),
  });

  return {
    status: summary.status,
    samples: samples.samples,
    schema: inferSchema(samples.samples),
    requests,
    counts: summary.counts,
    error: summary.error,
  };
}
