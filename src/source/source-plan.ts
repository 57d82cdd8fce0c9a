import type { CredentialConfig } from '../auth/credential-config.js';
import type { RecordShape } from './schema/record-shape-schema.js';
import type { PaginationConfig } from './schema/rest-source-schema.js';

/** One request as declared: macros still unexpanded. */
export interface RequestTemplate {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Absolute URL with `{macros}`. */
  url: string;
  query: Record<string, string | number | boolean>;
  headers: Record<string, string>;
  body?: unknown;
  bodyFormat: 'json' | 'form';
}

/** One paginated stream of records: a template's step, or a manual source. */
export interface StepPlan {
  request: RequestTemplate;
  format: 'json' | 'ndjson' | 'csv' | 'tsv' | 'xml';
  /** JSONPath to the records; absent: the body is the list (or one record). */
  records?: string;
  pagination: PaginationConfig;
  /** CSV/TSV reading options. */
  csv?: { delimiter?: string; quote?: string; header?: boolean; encoding?: string };
  /** XML reading options. */
  xml?: { attributePrefix?: string };
  shape?: RecordShape;
  matchParam?: { param: string; field: string };
  /** Fields added to each record: `$…` from the page's envelope, else text with macros. */
  addFields?: Record<string, string>;
}

/** A step whose records become the partitions of the main step. */
export interface ParentPlan extends StepPlan {
  bind: Record<string, string>;
}

export interface IncrementalPlan {
  cursorField: string;
  /** What identifies a record as read, before any reshaping; default the primary key. */
  recordKey?: string[];
  order: 'asc' | 'desc';
  lookbackMs: number;
  /** A request parameter that carries the bookmark. */
  param?: string;
  paramIn: 'query' | 'body';
}

/** Everything the engine needs to read a source; built from a template or a manual source. */
export interface SourcePlan {
  /** `hotjar:survey_responses` or `rest`: for logs and summaries. */
  label: string;
  credential: CredentialConfig;
  /** The origin the credential is bound to (besides its token URL), and the budget's origin. */
  baseUrl: string;
  /** More URLs whose origins receive the credential (a manual source's request URLs). */
  credentialUrls?: string[];
  params: Record<string, string | number | boolean>;
  step: StepPlan;
  parent?: ParentPlan;
  /** Partition key template, e.g. `survey:{survey_id}`; '' for one partition. */
  partition: string;
  primaryKey: string[];
  incremental?: IncrementalPlan;
  /** Requests per minute for the upstream origin; null: no client-side budget. */
  rateLimit: number | null;
  concurrency: number;
  maxPages: number;
  maxResponseBytes: number;
}

/** PRODUCT.md defaults. */
export const DEFAULT_MAX_PAGES = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
export const HOTJAR_RATE_LIMIT = 3000;
export const HOTJAR_BASE_URL = 'https://api.hotjar.io';
