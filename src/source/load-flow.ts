import { readFile } from 'node:fs/promises';

import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { ZodError } from 'zod';

import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { formatPath, substituteEnv } from './env-substitution.js';
import { flowSchema, type FlowConfig } from './schema/flow-schema.js';

/** Reads a flow file (YAML or JSON), substitutes `${ENV}` and validates it. */
export async function loadFlowFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FlowConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const message = `cannot read the flow file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
    throw new ConfigError([{ code: 'FILE_UNREADABLE', path: '', message }], { cause: error });
  }

  return parseFlowText(text, env);
}

/** Parses flow-file text; YAML is a superset of JSON, so one parser reads both. */
export function parseFlowText(text: string, env: NodeJS.ProcessEnv = process.env): FlowConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos?.[0]
        ? ` at line ${error.linePos[0].line}`
        : '';
    const message = `the flow file is not valid YAML or JSON${where}: ${yamlReason(error as Error)}`;
    throw new ConfigError([{ code: 'SYNTAX', path: '', message }], { cause: error });
  }

  return validateFlow(raw, env);
}

/** The YAML parser's first line, without its dangling colon, and the offending line quoted. */
function yamlReason(error: Error): string {
  const [first = '', ...rest] = error.message.split('\n');
  const excerpt = rest
    .map((line) => line.trim())
    .find((line) => line !== '' && !/^\^+$/.test(line));
  const reason = first.replace(/:\s*$/, '');
  return excerpt === undefined ? reason : `${reason}, in "${excerpt}"`;
}

/**
 * Validates an already parsed flow object (an API body, say). `env: null` skips `${NAME}`
 * substitution, for flows built by code whose strings are values, not templates.
 */
export function validateFlow(
  raw: unknown,
  env: NodeJS.ProcessEnv | null = process.env,
): FlowConfig {
  const issues: ConfigIssue[] = [];
  const substituted = env === null ? raw : substituteEnv(raw, env, issues);
  if (issues.length > 0) throw new ConfigError(issues);

  const result = flowSchema.safeParse(substituted);
  if (!result.success) throw new ConfigError(zodIssues(result.error));

  return result.data;
}

/** Turns zod's issues into ours; an unknown key is named with its full path. */
export function zodIssues(error: ZodError): ConfigIssue[] {
  return convertIssues(error.issues, []);
}

type RawIssue = ZodError['issues'][number];

function convertIssues(issues: readonly RawIssue[], prefix: readonly PropertyKey[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          code: 'UNKNOWN_KEY',
          path: formatPath([...path, key]),
          message: `unknown key "${key}"`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union') {
      out.push(...unionIssues(issue.errors, path, issue.message));
      continue;
    }

    out.push({ code: issue.code.toUpperCase(), path: formatPath(path), message: messageOf(issue) });
  }
  return out;
}

function messageOf(issue: RawIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `required (${String(issue.expected)})`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/**
 * A value that fits none of a union's shapes: the branch that got furthest explains it (an
 * object with the right `type` but a missing field); when every branch refused the value's type
 * outright, the message lists the types that would do.
 */
function unionIssues(
  branches: readonly (readonly RawIssue[])[],
  path: PropertyKey[],
  fallback: string,
): ConfigIssue[] {
  const refusedOutright = (branch: readonly RawIssue[]): boolean =>
    branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0;
  const specific = branches.filter((branch) => !refusedOutright(branch));
  if (specific.length === 1 && specific[0] !== undefined) return convertIssues(specific[0], path);

  const expected = branches.flatMap((branch) => {
    const first = branch[0];
    return first?.code === 'invalid_type' && first.path.length === 0
      ? [String(first.expected)]
      : [];
  });
  const message =
    expected.length === branches.length && expected.length > 0
      ? `expected ${[...new Set(expected)].join(' or ')}`
      : fallback;
  return [{ code: 'INVALID_UNION', path: formatPath(path), message }];
}
