import type { HttpResponse } from './http-types.js';
import { redactSecrets, redactUrl } from './redact-secrets.js';

/** Longest body preview put into a message. */
export const PREVIEW_CHARS = 200;

/** Fields an upstream puts its error text in, read in this order. */
const MESSAGE_FIELDS = ['message', 'msg', 'error_description', 'detail', 'error'] as const;

/**
 * One line naming what answered and what it sent, for errors about a response the caller could not
 * use (HTML instead of JSON, an empty body …): method, URL, status, content type, size and a short
 * redacted preview (≤ 200 characters) of the body. Secrets are masked.
 */
export function describeResponse(res: HttpResponse, secrets: readonly string[] = []): string {
  const method = res.method ?? 'GET';
  const type = res.headers['content-type'] ?? 'none';
  const preview = bodyPreview(res.body, secrets);
  const body = preview === '' ? 'an empty body' : `body "${preview}"`;
  return `${method} ${redactUrl(res.url, secrets)} answered ${res.status} (content type ${type}, ${res.body.length} bytes, ${body})`;
}

/**
 * What the upstream said went wrong: the first present of `message`, `msg`, `error_description`,
 * `detail`, `error` in a JSON body (`error` may be an object holding those), or else a short
 * redacted preview of the text. Empty when the body is empty.
 */
export function upstreamMessage(res: HttpResponse, secrets: readonly string[] = []): string {
  const fromJson = messageFromJson(res.body);
  if (fromJson !== undefined) return truncate(redactSecrets(fromJson, secrets));
  return bodyPreview(res.body, secrets);
}

/** A body as one short line: tags and whitespace runs squeezed, secrets masked, ≤ 200 chars. */
export function bodyPreview(body: Buffer, secrets: readonly string[] = []): string {
  const text = body.subarray(0, PREVIEW_CHARS * 8).toString('utf8');
  const squeezed = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(redactSecrets(squeezed, secrets));
}

function messageFromJson(body: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  return pickMessage(parsed, 0);
}

function pickMessage(value: unknown, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 2) return undefined;

  const record = value as Record<string, unknown>;
  for (const field of MESSAGE_FIELDS) {
    const found = record[field];
    if (typeof found === 'string' && found.trim() !== '') return found.trim();
    const nested = pickMessage(found, depth + 1);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

function truncate(text: string): string {
  const chars = [...text];
  return chars.length <= PREVIEW_CHARS ? text : `${chars.slice(0, PREVIEW_CHARS - 1).join('')}…`;
}
