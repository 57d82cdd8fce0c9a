import { ConfigError } from '../errors/errors.js';

/**
 * One injected fault: what happens, when, and where. Written on the command line as
 * `status=429,at=3,retry_after=2` (see `parseFault`) or posted as the same keys in JSON.
 */
export interface FaultSpec {
  /** Answer with this status (an error body, or HTML with `html`); 2xx/3xx only replace it. */
  status?: number;
  /** Destroy the connection without an answer. */
  reset?: boolean;
  /** Delay the answer by this many milliseconds. */
  slow?: number;
  /** Send half of the body, then end the connection. */
  truncate?: boolean;
  /** An HTML body (a gateway error page), with `status` or on a 200. */
  html?: boolean;
  /** Lists: answer with the cursor the client sent. */
  sameCursor?: boolean;
  /** Lists: an empty page that still carries a (new) cursor. */
  emptyForever?: boolean;
  /** Responses: add this many newest responses to the survey before answering. */
  insert?: number;
  /** Lists: this many records fewer than the limit, still with a cursor. */
  short?: number;
  /** Fire on the n-th matching request (1-based). */
  at?: number;
  /** Fire on every n-th matching request. */
  every?: number;
  /** Fire with this probability (seeded). */
  rate?: number;
  /** Fire at most this many times. */
  times?: number;
  /** Only requests whose path and query contain this text. */
  path?: string;
  /** A `Retry-After` value to send: seconds or an HTTP date. */
  retryAfter?: string;
}

type Parser = (value: string | undefined, key: string) => Partial<FaultSpec>;

function fail(key: string, message: string): never {
  throw new ConfigError([{ code: 'fault_invalid', path: `fault.${key}`, message }]);
}

function integer(min: number, max: number, field: keyof FaultSpec): Parser {
  return (value, key) => {
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || n < min || n > max) {
      fail(
        key,
        `"${key}" needs an integer from ${min} to ${max}, got ${JSON.stringify(value ?? '')}`,
      );
    }

    return { [field]: n };
  };
}

function flag(field: keyof FaultSpec): Parser {
  return (value, key) => {
    if (value !== undefined && value !== 'true' && value !== '1') {
      fail(key, `"${key}" is a flag and takes no value (or true), got ${JSON.stringify(value)}`);
    }

    return { [field]: true };
  };
}

const PARSERS: Record<string, Parser> = {
  status: integer(200, 599, 'status'),
  reset: flag('reset'),
  slow: integer(0, 600_000, 'slow'),
  truncate: flag('truncate'),
  html: flag('html'),
  same_cursor: flag('sameCursor'),
  empty_forever: flag('emptyForever'),
  insert: integer(1, 100_000, 'insert'),
  short: integer(1, 100, 'short'),
  at: integer(1, Number.MAX_SAFE_INTEGER, 'at'),
  every: integer(1, Number.MAX_SAFE_INTEGER, 'every'),
  times: integer(1, Number.MAX_SAFE_INTEGER, 'times'),
  rate: (value, key) => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !(n >= 0 && n <= 1)) {
      fail(key, `"rate" needs a number from 0 to 1, got ${JSON.stringify(value ?? '')}`);
    }

    return { rate: n };
  },
  path: (value, key) => (value ? { path: value } : fail(key, '"path" needs a non-empty value')),
  retry_after: (value, key) => {
    const ok = value !== undefined && (/^\d+$/.test(value) || !Number.isNaN(Date.parse(value)));
    return ok ? { retryAfter: value } : fail(key, '"retry_after" needs seconds or an HTTP date');
  },
};

const ACTIONS: (keyof FaultSpec)[] = [
  'status',
  'reset',
  'slow',
  'truncate',
  'html',
  'sameCursor',
  'emptyForever',
  'insert',
  'short',
];

function checkComplete(spec: FaultSpec): FaultSpec {
  if (!ACTIONS.some((action) => spec[action] !== undefined)) {
    fail(
      'status',
      'a fault needs an action: status, reset, slow, truncate, html, same_cursor, empty_forever, insert or short',
    );
  }

  return spec;
}

function applyPair(spec: FaultSpec, key: string, value: string | undefined): FaultSpec {
  const parser = PARSERS[key];
  if (parser === undefined) {
    fail(key, `unknown fault key "${key}"; known: ${Object.keys(PARSERS).join(', ')}`);
  }

  return { ...spec, ...parser(value, key) };
}

/**
 * Parses the `--fault` grammar: comma-separated `key=value` pairs (flags may omit `=value`).
 * Throws a ConfigError whose issue path names the bad key (`fault.<key>`).
 */
export function parseFault(text: string): FaultSpec {
  let spec: FaultSpec = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') {
      continue;
    }

    const eq = trimmed.indexOf('=');
    const key = eq === -1 ? trimmed : trimmed.slice(0, eq).trim();
    spec = applyPair(spec, key, eq === -1 ? undefined : trimmed.slice(eq + 1).trim());
  }

  return checkComplete(spec);
}

/** The same keys as a JSON object (`{"status": 429, "at": 3}`), or a grammar string. */
export function faultFromJson(value: unknown): FaultSpec {
  if (typeof value === 'string') {
    return parseFault(value);
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('', 'a fault is a JSON object of --fault keys or a --fault string');
  }

  let spec: FaultSpec = {};
  for (const [key, raw] of Object.entries(value)) {
    if (raw === false) {
      continue;
    }

    const text =
      raw === true ? undefined : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    spec = applyPair(spec, key, text);
  }

  return checkComplete(spec);
}
