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
    const message = `the flow file is not valid YAML or JSON${where}: ${(error as Error).message.split('\n')[0]}`;
    throw new ConfigError([{ code: 'SYNTAX', path: '', message }], { cause: error });
  }

  return validateFlow(raw, env);
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
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = formatPath([...issue.path, key]);
        out.push({ code: 'UNKNOWN_KEY', path, message: `unknown key "${key}"` });
      }
      continue;
    }

    out.push({
      code: issue.code.toUpperCase(),
      path: formatPath(issue.path),
      message: issue.message,
    });
  }
  return out;
}
