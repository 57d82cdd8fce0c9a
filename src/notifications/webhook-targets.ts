import { z } from 'zod';

import { ConfigError, type ConfigIssue } from '../errors/errors.js';

/** The environment variable that lists the webhooks every notification is posted to. */
export const WEBHOOKS_ENV = 'HOTJAR_FLOW_WEBHOOKS';

/**
 * Where notifications are posted. `secret` signs each body (HMAC-SHA256); `format` `json`
 * (default) posts the event object, `slack` posts `{ text }` for Slack-compatible incoming hooks.
 */
export interface WebhookTarget {
  url: string;
  secret?: string;
  format: 'json' | 'slack';
}

const webhookTargetSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  secret: z.string().min(16, 'must be at least 16 characters').optional(),
  format: z.enum(['json', 'slack']).default('json'),
});

/** The value of `HOTJAR_FLOW_WEBHOOKS`: a JSON array of `{ url, secret?, format? }`. */
export const webhookTargetsSchema = z.array(webhookTargetSchema);

/**
 * Reads a JSON list of webhooks, e.g.
 * `[{"url":"https://example.com/hook","secret":"…","format":"json"}]`.
 *
 * @throws ConfigError naming the entry and field at fault; values (secrets) never appear in it.
 */
export function parseWebhookTargets(text: string, source = WEBHOOKS_ENV): WebhookTarget[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError([{ code: 'invalid_json', path: source, message: 'is not valid JSON' }]);
  }

  const parsed = webhookTargetsSchema.safeParse(value);
  if (parsed.success) return parsed.data.map(withoutUndefined);

  const issues: ConfigIssue[] = parsed.error.issues.map((issue) => ({
    code: issue.code,
    path: source + issue.path.map(pathPart).join(''),
    message: issue.message,
  }));
  throw new ConfigError(issues);
}

/** The webhooks of `HOTJAR_FLOW_WEBHOOKS`; none when it is unset or blank. */
export function webhookTargetsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookTarget[] {
  const text = env[WEBHOOKS_ENV] ?? '';
  return text.trim() === '' ? [] : parseWebhookTargets(text);
}

function withoutUndefined(target: z.infer<typeof webhookTargetSchema>): WebhookTarget {
  const { url, secret, format } = target;
  return secret === undefined ? { url, format } : { url, secret, format };
}

function pathPart(part: PropertyKey): string {
  return typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
}
