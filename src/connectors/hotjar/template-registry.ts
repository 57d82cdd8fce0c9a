import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

import { ConfigError } from '../../errors/errors.js';
import { zodIssues } from '../../source/load-flow.js';
import { templateSchema, type Template } from './template-schema.js';

/** Where the shipped templates live: `templates/hotjar/*.json` at the package root. */
export const HOTJAR_TEMPLATE_DIR = fileURLToPath(
  new URL('../../../templates/hotjar/', import.meta.url),
);

/** Loads and validates every `*.json` template of a directory, sorted by name. */
export function loadTemplates(dir: string = HOTJAR_TEMPLATE_DIR): Map<string, Template> {
  const templates = new Map<string, Template>();
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();

  for (const file of files) {
    const template = parseTemplateFile(join(dir, file));
    if (`${template.name}.json` !== file) {
      const message = `template "${template.name}" must live in ${template.name}.json`;
      throw new ConfigError([{ code: 'TEMPLATE_NAME', path: file, message }]);
    }
    templates.set(template.name, template);
  }
  return templates;
}

function parseTemplateFile(path: string): Template {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const result = templateSchema.safeParse(raw);
  if (!result.success) {
    const issues = zodIssues(result.error).map((issue) => ({
      ...issue,
      path: `${path}: ${issue.path}`,
    }));
    throw new ConfigError(issues);
  }
  return result.data;
}

let cached: Map<string, Template> | undefined;

/** The shipped templates, loaded once per process (they are read-only data). */
export function hotjarTemplates(): Map<string, Template> {
  cached ??= loadTemplates();
  return cached;
}
