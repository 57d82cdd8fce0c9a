import { Command } from 'commander';
import { z } from 'zod';

import { parseFault, type FaultSpec } from '../emulator/fault-spec.js';
import { startEmulator, type EmulatorOptions } from '../emulator/start-emulator.js';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { createLogger, type Logger } from '../log/logger.js';

interface EmulatorFlags {
  port: string;
  host: string;
  seed: string;
  sites?: string;
  surveys?: string;
  responses?: string;
  rateLimit: string;
  retryAfter?: string;
  errorFormat?: string;
  limitMode?: string;
  lookupStatus?: string;
  latencyMs?: string;
  pageCacheMb?: string;
  tokenTtl?: string;
  tokenResponse?: string;
  bigIds?: boolean;
  plan?: string;
  fault: string[];
}

const integer = z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number);

/** The flags as text, checked and converted (commander only collects them). */
const FlagsSchema = z.object({
  port: integer,
  host: z.string().min(1),
  seed: integer,
  sites: integer.optional(),
  surveys: integer.optional(),
  responses: integer.optional(),
  rateLimit: z.union([z.literal('off').transform(() => null), integer]),
  retryAfter: z.enum(['seconds', 'http-date', 'omit']).optional(),
  errorFormat: z.enum(['error', 'msg', 'text']).optional(),
  limitMode: z.enum(['reject', 'clamp']).optional(),
  lookupStatus: z
    .enum(['200', '201', '202', '204'])
    .transform((s) => Number(s) as 200 | 201 | 202 | 204)
    .optional(),
  latencyMs: integer.optional(),
  pageCacheMb: integer.optional(),
  tokenTtl: integer.optional(),
  tokenResponse: z
    .enum(['standard', 'expires-in-string', 'no-expires-in', 'lowercase-type'])
    .optional(),
  bigIds: z.boolean().optional(),
  plan: z.enum(['ask_scale', 'observe_scale']).optional(),
});

function flagName(key: PropertyKey | undefined): string {
  return `--${String(key ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Converts the flags to emulator options; a ConfigError lists every bad flag. */
export function emulatorOptionsFromFlags(flags: EmulatorFlags): EmulatorOptions {
  const { fault, ...rest } = flags;
  const result = FlagsSchema.safeParse(rest);
  const issues: ConfigIssue[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        code: 'flag_invalid',
        path: flagName(issue.path[0]),
        message: issue.message,
      }));
  const faults: FaultSpec[] = [];
  for (const text of fault) {
    try {
      faults.push(parseFault(text));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues.map((issue) => ({ ...issue, path: `--fault ${issue.path}` })));
    }
  }

  if (!result.success || issues.length > 0) {
    throw new ConfigError(issues);
  }

  const options = Object.fromEntries(
    Object.entries(result.data).filter(([, v]) => v !== undefined),
  );
  return { ...(options as EmulatorOptions), faults };
}

export interface EmulatorCommandOptions {
  /** Where the first line (the connection details) goes; default process.stdout. */
  stdout?: NodeJS.WritableStream;
  /** Default: a pino logger on stderr. */
  logger?: Logger;
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `emulator`: serves the Hotjar API emulator until SIGINT/SIGTERM. The first stdout line is one
 * JSON object with `url`, `client_id`, `client_secret`, `organization_id` and `site_id`.
 */
export function buildEmulatorCommand(commandOptions: EmulatorCommandOptions = {}): Command {
  const collect = (value: string, previous: string[]): string[] => [...previous, value];
  return new Command('emulator')
    .description('serve a local Hotjar API emulator with realistic data and fault injection')
    .option('--port <n>', 'port to listen on (0 = a free port)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated data', '1')
    .option('--sites <n>', 'sites of the first organization (default 1)')
    .option('--surveys <n>', 'surveys per site (default 3)')
    .option('--responses <n>', 'responses per survey, exactly (default 250)')
    .option('--rate-limit <n|off>', 'requests per 60 s window per client address', '3000')
    .option('--retry-after <form>', 'seconds | http-date | omit (default seconds)')
    .option('--error-format <shape>', 'error | msg | text (default error)')
    .option('--limit-mode <mode>', 'limit outside 1-100: reject | clamp (default reject)')
    .option('--lookup-status <code>', 'user-lookup success status: 200 | 201 | 202 | 204')
    .option('--latency-ms <ms>', 'added to every API request (default 0)')
    .option('--page-cache-mb <mb>', 'memory for finished response pages (default 256)')
    .option('--token-ttl <seconds>', 'access-token lifetime (default 3600)')
    .option(
      '--token-response <variant>',
      'standard | expires-in-string | no-expires-in | lowercase-type',
    )
    .option('--big-ids', 'response ids above 2^53 (exact JSON integers)')
    .option('--plan <plan>', 'ask_scale | observe_scale (default ask_scale)')
    .option(
      '--fault <spec>',
      'inject a fault, e.g. status=429,at=3,retry_after=2 (repeatable)',
      collect,
      [],
    )
    .exitOverride()
    .action(async (flags: EmulatorFlags) => {
      const options = emulatorOptionsFromFlags(flags);
      const logger = commandOptions.logger ?? createLogger();
      const emulator = await startEmulator({ ...options, logger });
      // Listen for signals before announcing: a caller may stop us as soon as it reads the line.
      const stopped = untilSignal();
      const stdout = commandOptions.stdout ?? process.stdout;
      stdout.write(
        `${JSON.stringify({
          url: emulator.url,
          client_id: emulator.clientId,
          client_secret: emulator.clientSecret,
          organization_id: emulator.organizationId,
          site_id: emulator.siteId,
        })}\n`,
      );

      await stopped;
      logger.info({}, 'emulator stopping');
      await emulator.close();
    });
}
