import { z } from 'zod';

import { ConfigError } from '../errors/errors.js';
import type { EmulatorSettings } from './emulator-context.js';
import type { EmulatorOptions } from './start-emulator.js';

const count = (min: number, max: number) => z.number().int().min(min).max(max).optional();

/** The options a caller may pass, checked before anything listens. */
const OptionsSchema = z.object({
  port: count(0, 65_535),
  host: z.string().min(1).optional(),
  seed: count(0, Number.MAX_SAFE_INTEGER),
  sites: count(1, 100),
  surveys: count(1, 200),
  responses: count(0, 10_000_000),
  rateLimit: z.number().int().min(1).nullable().optional(),
  retryAfter: z.enum(['seconds', 'http-date', 'omit']).optional(),
  errorFormat: z.enum(['error', 'msg', 'text']).optional(),
  limitMode: z.enum(['reject', 'clamp']).optional(),
  lookupStatus: z
    .union([z.literal(200), z.literal(201), z.literal(202), z.literal(204)])
    .optional(),
  latencyMs: count(0, 60_000),
  pageCacheMb: count(0, 64 * 1024),
  tokenTtl: count(1, 10 * 365 * 24 * 3600),
  tokenResponse: z
    .enum(['standard', 'expires-in-string', 'no-expires-in', 'lowercase-type'])
    .optional(),
  bigIds: z.boolean().optional(),
  plan: z.enum(['ask_scale', 'observe_scale']).optional(),
});

/** Validates the options (ConfigError naming each bad option) and fills in the defaults. */
export function resolveSettings(options: EmulatorOptions): EmulatorSettings {
  const result = OptionsSchema.safeParse(options);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        code: 'emulator_option_invalid',
        path: issue.path.join('.'),
        message: issue.message,
      })),
    );
  }

  return {
    errorFormat: options.errorFormat ?? 'error',
    limitMode: options.limitMode ?? 'reject',
    lookupStatus: options.lookupStatus ?? 200,
    latencyMs: options.latencyMs ?? 0,
    tokenTtl: options.tokenTtl ?? 3600,
    retryAfter: options.retryAfter ?? 'seconds',
    tokenResponse: options.tokenResponse ?? 'standard',
    bigIds: options.bigIds ?? false,
  };
}
