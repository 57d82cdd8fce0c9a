import { JSONPath } from 'jsonpath-plus';

const SIMPLE = /^\$((?:\.[A-Za-z_$][\w$-]*)*)(\[\*\])?$/;

/**
 * Evaluates a JSONPath against a parsed body. Plain member paths (`$.results[*]`,
 * `$.meta.next`) are walked directly, since they run once per page on the hot path; anything else
 * goes to jsonpath-plus.
 */
export function queryPath(json: unknown, path: string): unknown[] {
  const simple = SIMPLE.exec(path);
  if (simple === null) return JSONPath<unknown[]>({ path, json: json as object, wrap: true });

  let current: unknown = json;
  for (const key of (simple[1] ?? '').split('.').slice(1)) {
    if (current === null || typeof current !== 'object') return [];
    current = (current as Record<string, unknown>)[key];
  }

  if (current === undefined) return [];
  if (simple[2] === undefined) return [current];
  return Array.isArray(current) ? current : [];
}

/** The first value a path finds, or undefined. */
export function queryFirst(json: unknown, path: string): unknown {
  return queryPath(json, path)[0];
}
