import type { CredentialConfig } from '../../auth/credential-config.js';
import { ConfigError, type ConfigIssue } from '../../errors/errors.js';
import { rateLimitOf } from '../../source/resolve-rest-source.js';
import { parseDuration } from '../../source/schema/duration-schema.js';
import type { HotjarSourceConfig } from '../../source/schema/flow-schema.js';
import {
  DEFAULT_MAX_PAGES,
  DEFAULT_MAX_RESPONSE_BYTES,
  HOTJAR_BASE_URL,
  HOTJAR_RATE_LIMIT,
  type IncrementalPlan,
  type SourcePlan,
  type StepPlan,
} from '../../source/source-plan.js';
import type { Template, TemplateParam } from './template-schema.js';

/** Surveys read at once when a template fans out; enough to fill the default rate budget. */
const DEFAULT_CONCURRENCY = 8;

/** A Hotjar source (template + parameters) as an engine plan. */
export function resolveHotjarSource(
  source: HotjarSourceConfig,
  templates: ReadonlyMap<string, Template>,
  credential: CredentialConfig,
): SourcePlan {
  const template = templates.get(source.template);
  if (template === undefined) {
    const known = [...templates.keys()].join(', ');
    const message = `unknown template "${source.template}"; known: ${known}`;
    throw new ConfigError([{ code: 'TEMPLATE_UNKNOWN', path: 'source.template', message }]);
  }

  const baseUrl = (source.base_url ?? HOTJAR_BASE_URL).replace(/\/+$/, '');
  const params = checkParams(template, source.params);
  const skip = template.parent?.skip_when_params ?? [];
  const hasParent =
    template.parent !== undefined && !(skip.length > 0 && skip.every((p) => p in params));

  return {
    label: `hotjar:${template.name}`,
    credential,
    baseUrl,
    params,
    step: stepPlan(template.step, baseUrl),
    ...(hasParent && template.parent !== undefined
      ? { parent: { ...stepPlan(template.parent, baseUrl), bind: template.parent.bind } }
      : {}),
    partition: template.partition,
    primaryKey: template.primary_key,
    ...incrementalPlan(template, source),
    rateLimit: rateLimitOf(source.rate_limit, HOTJAR_RATE_LIMIT),
    concurrency: source.concurrency ?? DEFAULT_CONCURRENCY,
    maxPages: DEFAULT_MAX_PAGES,
    maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  };
}

function stepPlan(step: Template['step'], baseUrl: string): StepPlan {
  return {
    request: {
      method: step.request.method,
      url: baseUrl + step.request.path,
      query: step.request.query,
      headers: { accept: 'application/json' },
      bodyFormat: 'json',
    },
    format: 'json',
    ...(step.records === undefined ? {} : { records: step.records }),
    pagination: step.pagination,
    ...(step.shape === undefined ? {} : { shape: step.shape }),
    ...(step.match_param === undefined ? {} : { matchParam: step.match_param }),
  };
}

function incrementalPlan(
  template: Template,
  source: HotjarSourceConfig,
): { incremental?: IncrementalPlan } {
  const incremental = template.incremental;
  if (incremental === undefined) {
    if (source.sync === 'incremental') {
      const message = `template "${template.name}" does not support incremental sync`;
      throw new ConfigError([{ code: 'INCREMENTAL_UNSUPPORTED', path: 'source.sync', message }]);
    }
    return {};
  }
  if (source.sync === 'full_refresh') return {};

  const lookbackMs =
    source.lookback === undefined ? (incremental.lookback ?? 0) : parseDuration(source.lookback);
  if (lookbackMs === null) {
    const message = `expected a duration such as 48h, got ${JSON.stringify(source.lookback)}`;
    throw new ConfigError([{ code: 'DURATION_INVALID', path: 'source.lookback', message }]);
  }

  return {
    incremental: {
      cursorField: incremental.cursor_field,
      order: incremental.order,
      lookbackMs,
      paramIn: 'query',
      ...(incremental.record_key === undefined ? {} : { recordKey: incremental.record_key }),
    },
  };
}

/** Validates parameters against the template: required, typed, no unknown names. */
function checkParams(
  template: Template,
  given: Readonly<Record<string, string | number | boolean>>,
): Record<string, string | number | boolean> {
  const issues: ConfigIssue[] = [];
  const out: Record<string, string | number | boolean> = {};

  for (const name of Object.keys(given)) {
    if (!(name in template.params)) {
      const known = Object.keys(template.params).join(', ');
      issues.push({
        code: 'UNKNOWN_KEY',
        path: `source.params.${name}`,
        message: `unknown parameter "${name}" for template ${template.name}; known: ${known}`,
      });
    }
  }

  for (const [name, spec] of Object.entries(template.params)) {
    const value = given[name] ?? spec.default;
    if (value === undefined) {
      if (spec.required)
        issues.push({
          code: 'PARAM_MISSING',
          path: `source.params.${name}`,
          message: `required: ${spec.description}`,
        });
      continue;
    }

    const checked = checkParam(spec, value);
    if (typeof checked === 'string' && checked.startsWith('!')) {
      issues.push({
        code: 'PARAM_INVALID',
        path: `source.params.${name}`,
        message: checked.slice(1),
      });
    } else {
      out[name] = checked;
    }
  }

  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}

/** The normalised value, or a message prefixed with `!`. IDs are opaque strings. */
function checkParam(
  spec: TemplateParam,
  value: string | number | boolean,
): string | number | boolean {
  switch (spec.type) {
    case 'id':
      if (typeof value === 'boolean' || String(value).trim() === '')
        return `!expected an ID (string or number), got ${JSON.stringify(value)}`;
      return String(value).trim();
    case 'integer':
      return Number.isInteger(Number(value)) && typeof value !== 'boolean'
        ? Number(value)
        : `!expected an integer, got ${JSON.stringify(value)}`;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return value === 'true'
        ? true
        : value === 'false'
          ? false
          : `!expected true or false, got ${JSON.stringify(value)}`;
    case 'string':
      return String(value);
  }
}
