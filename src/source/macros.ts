import { ConfigError } from '../errors/errors.js';
import { scalarText } from './record-shaper.js';

const MACRO = /\{([A-Za-z_][A-Za-z0-9_.]*)(?:([+-])(\d+)(s|m|h|d))?(?::([^}]+))?\}/g;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface MacroOptions {
  /** URL-encode substituted values (for URL paths and query strings). Default false. */
  encode?: boolean;
  /** The instant `{now}` and `{today}` refer to; default the current time. */
  now?: Date;
  /** Where the template came from, for error messages. */
  path?: string;
}

/**
 * Expands `{name}` macros: values from `vars` (dotted names reach into objects), `{now}` (ISO),
 * `{now-1d}` / `{now+2h}` and `{today}` (YYYY-MM-DD), with an optional strftime-like format after a
 * colon: `{today:%Y%m%d}`, `{now:%s}` (epoch seconds). An unknown name is a configuration error.
 */
export function expandMacros(
  template: string,
  vars: Readonly<Record<string, unknown>>,
  options: MacroOptions = {},
): string {
  if (!template.includes('{')) return template;

  return template.replace(
    MACRO,
    (whole, name: string, sign?: string, amount?: string, unit?: string, format?: string) => {
      const value = resolveMacro({
        name,
        sign,
        amount,
        unit,
        format,
        vars,
        now: options.now ?? new Date(),
      });
      if (value === undefined) {
        const where = options.path ?? 'template';
        throw new ConfigError([
          {
            code: 'MACRO_UNKNOWN',
            path: where,
            message: `unknown macro ${whole} (no parameter named "${name}")`,
          },
        ]);
      }
      return options.encode === true ? encodeURIComponent(value) : value;
    },
  );
}

/** The names a template refers to, so missing parameters are found before any request. */
export function macroNames(template: string): string[] {
  return [...template.matchAll(MACRO)].map((m) => m[1] ?? '');
}

interface MacroParts {
  name: string;
  sign: string | undefined;
  amount: string | undefined;
  unit: string | undefined;
  format: string | undefined;
  vars: Readonly<Record<string, unknown>>;
  now: Date;
}

function resolveMacro(parts: MacroParts): string | undefined {
  if (parts.name === 'now' || parts.name === 'today') {
    const offset =
      parts.sign === undefined ? 0 : Number(parts.amount) * (UNIT_MS[parts.unit ?? ''] ?? 0);
    const instant = new Date(parts.now.getTime() + (parts.sign === '-' ? -offset : offset));
    const format = parts.format ?? (parts.name === 'today' ? '%Y-%m-%d' : undefined);
    return format === undefined ? instant.toISOString() : formatInstant(instant, format);
  }

  const value = lookup(parts.vars, parts.name);
  if (value === undefined || value === null) return undefined;
  return scalarText(value);
}

function lookup(vars: Readonly<Record<string, unknown>>, dotted: string): unknown {
  if (dotted in vars) return vars[dotted];

  let current: unknown = vars;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function formatInstant(instant: Date, format: string): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const fields: Record<string, string> = {
    Y: String(instant.getUTCFullYear()),
    m: pad(instant.getUTCMonth() + 1),
    d: pad(instant.getUTCDate()),
    H: pad(instant.getUTCHours()),
    M: pad(instant.getUTCMinutes()),
    S: pad(instant.getUTCSeconds()),
    s: String(Math.floor(instant.getTime() / 1000)),
  };
  return format.replace(/%([YmdHMSs%])/g, (_, key: string) =>
    key === '%' ? '%' : (fields[key] ?? ''),
  );
}
