import { errorReply, type ApiReply, type ApiRequest } from './api-reply.js';
import type { CursorPayload } from './cursor-codec.js';
import type { EmulatorContext } from './emulator-context.js';
import type { FiredFaults } from './fault-injector.js';

const MAX_LIMIT = 100;

/** One page of a keyset-ordered list, as a data source returns it. */
export interface SourcePage {
  /** Each result as UTF-8 JSON, so serialized records can be reused. */
  results: Buffer[];
  /** The keyset position of the last result, or null when the page is empty. */
  last: readonly number[] | null;
  more: boolean;
}

export interface ListOptions {
  /** Cursors carry this and are rejected by any other list. */
  scope: string;
  /** How many numbers a position of this list has. */
  positionLength: number;
  fetch: (position: readonly number[] | null, count: number) => SourcePage;
  faults: FiredFaults | null;
}

function badRequest(context: EmulatorContext, code: string, message: string): ApiReply {
  return errorReply(context.settings.errorFormat, { status: 400, code, message });
}

/** `limit`: 1–100, default 100; outside → 400, or clamped with the `clamp` setting. */
export function parseLimit(context: EmulatorContext, query: URLSearchParams): number | ApiReply {
  const raw = query.get('limit');
  if (raw === null) {
    return MAX_LIMIT;
  }

  if (!/^-?\d+$/.test(raw.trim())) {
    return badRequest(
      context,
      'invalid_limit',
      `limit must be an integer from 1 to 100, got "${raw}"`,
    );
  }

  const limit = Number(raw);
  if (limit >= 1 && limit <= MAX_LIMIT) {
    return limit;
  }

  return context.settings.limitMode === 'clamp'
    ? Math.min(Math.max(limit, 1), MAX_LIMIT)
    : badRequest(context, 'invalid_limit', `limit must be from 1 to 100, got ${limit}`);
}

function parseCursor(
  context: EmulatorContext,
  request: ApiRequest,
  options: ListOptions,
): CursorPayload | null | ApiReply {
  const raw = request.query.get('cursor');
  if (raw === null) {
    return null;
  }

  const payload = context.cursors.decode(raw, options.scope);
  const length = payload?.position.length;
  if (payload === null || (length !== 0 && length !== options.positionLength)) {
    return badRequest(context, 'invalid_cursor', 'the cursor is not valid for this list');
  }

  return payload;
}

/**
 * Answers a list request: `{"results", "next_cursor"}`, `null` only when nothing follows, with
 * the list-shaping faults applied: same cursor, endless empty pages, and short pages (which keep
 * a cursor even when they reach the end; only an empty page ends them).
 */
export function listPage(
  context: EmulatorContext,
  request: ApiRequest,
  options: ListOptions,
): ApiReply {
  const limit = parseLimit(context, request.query);
  const cursor = parseCursor(context, request, options);
  if (typeof limit !== 'number') {
    return limit;
  }

  if (cursor !== null && 'status' in cursor) {
    return cursor;
  }

  const position = cursor === null || cursor.position.length === 0 ? null : cursor.position;
  const encode = (at: readonly number[] | null, nonce = 0): string =>
    context.cursors.encode(options.scope, at ?? [], nonce);
  const faults = options.faults;
  if (faults?.emptyForever === true) {
    return reply([], encode(position, (cursor?.nonce ?? 0) + 1));
  }

  const page = options.fetch(position, Math.max(limit - (faults?.short ?? 0), 0));
  const after = page.last ?? position;
  let next = page.more ? encode(after) : null;
  if (faults !== null && faults.short > 0 && page.results.length > 0) {
    next = encode(after);
  }

  if (faults?.sameCursor === true) {
    next = request.query.get('cursor') ?? encode(after);
  }

  return reply(page.results, next);
}

const OPEN = Buffer.from('{"results":[');
const COMMA = Buffer.from(',');

/** Joins pre-serialized results; the bytes equal JSON.stringify of the whole page. */
function reply(results: Buffer[], next: string | null): ApiReply {
  const parts: Buffer[] = [OPEN];
  results.forEach((result, index) => parts.push(...(index === 0 ? [result] : [COMMA, result])));
  parts.push(Buffer.from(`],"next_cursor":${JSON.stringify(next)}}`));
  return {
    status: 200,
    body: Buffer.concat(parts),
    contentType: 'application/json; charset=utf-8',
  };
}
