import { z } from 'zod';

import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { zodIssues } from '../source/load-flow.js';
import {
  inlineCredentialSchema,
  type InlineCredential,
} from '../source/schema/credential-schema.js';

/** What the API keeps beside a credential's own fields. */
export const credentialMetaSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_" and "-", at most 128'),
  description: z.string().max(2000).nullable().optional(),
  /** Where the Test button sends a Hotjar or REST credential; default `https://api.hotjar.io`. */
  base_url: z.url().optional(),
  /** A Hotjar site the Test button may list surveys of (one cheap call). */
  site_id: z.union([z.string().min(1), z.number()]).optional(),
  /** For bearer, API-key and basic credentials: a URL the Test button may GET. */
  test_url: z.url().optional(),
  /** When the Hotjar API key was created (`YYYY-MM-DD`); it expires a year later. */
  key_created_on: z.iso.date().nullable().optional(),
});

export type CredentialMeta = z.infer<typeof credentialMetaSchema>;

/** The body of `POST /api/credentials`, for the OpenAPI document. */
export const credentialBodySchema = z.intersection(credentialMetaSchema, inlineCredentialSchema);

/** The body of `PATCH /api/credentials/{id}`: any subset of the fields. */
export const credentialPatchSchema = z.record(z.string(), z.unknown());

const META_KEYS = new Set(Object.keys(credentialMetaSchema.shape));

/** A body split into the credential itself and the fields the service keeps beside it. */
export interface ParsedCredentialBody {
  meta: Partial<CredentialMeta>;
  credential: Record<string, unknown>;
}

/** Separates meta fields from credential fields; neither is validated yet. */
export function splitCredentialBody(body: unknown): ParsedCredentialBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ConfigError([{ code: 'INVALID_TYPE', path: '', message: 'expected a JSON object' }]);
  }

  const meta: Record<string, unknown> = {};
  const credential: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (META_KEYS.has(key)) meta[key] = value;
    else credential[key] = value;
  }
  return { meta, credential };
}

/** Validates the meta fields; `partial` for a PATCH. */
export function parseMeta(
  meta: Record<string, unknown>,
  partial: boolean,
): Partial<CredentialMeta> {
  const schema = partial ? credentialMetaSchema.partial() : credentialMetaSchema;
  const result = schema.safeParse(meta);
  if (!result.success) throw new ConfigError(zodIssues(result.error));
  return result.data as Partial<CredentialMeta>;
}

/** Validates the credential fields as an inline credential of a flow file. */
export function parseCredential(credential: Record<string, unknown>): InlineCredential {
  const result = inlineCredentialSchema.safeParse(credential);
  if (result.success) return result.data;

  throw new ConfigError(zodIssues(result.error));
}

/** The field names a credential of this type has (secret or not). */
export function fieldsOfType(type: string): string[] {
  const option = inlineCredentialSchema.options.find((o) => o.shape.type.value === type);
  return option === undefined ? [] : Object.keys(option.shape);
}

/** Merges issues from both halves, so one answer lists every mistake. */
export function collectIssues(steps: (() => void)[]): void {
  const issues: ConfigIssue[] = [];
  for (const step of steps) {
    try {
      step();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
