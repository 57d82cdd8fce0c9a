import type { ConfigIssue } from '../errors/errors.js';

const ENV_PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${NAME}` in every string of a parsed flow file with the environment variable `NAME`;
 * `$${` stays as a literal `${`. A missing variable is an issue at the string's path.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') return substituteString(value, env, issues, path);
  if (Array.isArray(value))
    return value.map((item, i) => substituteEnv(item, env, issues, [...path, i]));
  if (value === null || typeof value !== 'object') return value;

  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = substituteEnv(item, env, issues, [...path, key]);
  }
  return out;
}

function substituteString(
  text: string,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  path: (string | number)[],
): string {
  return text.replace(ENV_PATTERN, (whole, name: string | undefined) => {
    if (name === undefined) return '${';

    const found = env[name];
    if (found === undefined) {
      issues.push({
        code: 'ENV_MISSING',
        path: formatPath(path),
        message: `environment variable ${name} is not set`,
      });
      return whole;
    }
    return found;
  });
}

/** `source.params.site_id`, `destination.tables[2]` — the way every error names a place. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
