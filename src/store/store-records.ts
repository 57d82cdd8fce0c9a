/**
 * The entities the store keeps. Timestamps are ISO-8601 strings in UTC with milliseconds
 * (`2025-01-31T12:00:00.000Z`); ids are strings (random UUIDs unless the caller gives one).
 */

/** One page of a list; `next_cursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Which page of a list: `limit` default 50, at most 500; `cursor` from the previous page. */
export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

// Credentials

export interface CredentialTestResult {
  status: 'verified' | 'failed';
  message: string;
  tested_at: string;
}

export interface CredentialRecord {
  id: string;
  name: string;
  /** The credential kind: `hotjar`, `oauth2_client_credentials`, `bearer`, `api_key`, … */
  type: string;
  description: string | null;
  /** The secret fields, encrypted by the credential vault for this id. */
  encrypted_secret: Buffer;
  /** The non-secret fields (client_id, token_url, …). Never holds a secret. */
  config: Record<string, unknown>;
  /** When the Hotjar API key was created (`YYYY-MM-DD`); it expires a year later. */
  key_created_on: string | null;
  last_test: CredentialTestResult | null;
  created_at: string;
  updated_at: string;
}

/** `id` is required: the vault binds the id into the ciphertext, so it exists before the row. */
export interface NewCredential {
  id: string;
  name: string;
  type: string;
  description?: string | null;
  encrypted_secret: Buffer;
  config?: Record<string, unknown>;
  key_created_on?: string | null;
}

/** The fields an update (a rename, a rotation) may change; the rest stay. */
export interface CredentialPatch {
  name?: string;
  type?: string;
  description?: string | null;
  encrypted_secret?: Buffer;
  config?: Record<string, unknown>;
  key_created_on?: string | null;
}

// Flows

export type FlowStatus = 'active' | 'paused';

export interface FlowRecord {
  id: string;
  name: string;
  /** The flow file as JSON, as the API received it. */
  definition: Record<string, unknown>;
  status: FlowStatus;
  /** A cron expression, or null for flows run only on demand. */
  schedule: string | null;
  /** The stored credentials the flow uses (by id), sorted. */
  credential_ids: string[];
  created_at: string;
  updated_at: string;
}

export interface NewFlow {
  id?: string;
  name: string;
  definition: Record<string, unknown>;
  /** Default `active`. */
  status?: FlowStatus;
  schedule?: string | null;
  /** Every one must exist; see `Store.flowsUsingCredential`. */
  credential_ids?: string[];
}

export interface FlowPatch {
  name?: string;
  definition?: Record<string, unknown>;
  status?: FlowStatus;
  schedule?: string | null;
  /** Replaces the whole set when given. */
  credential_ids?: string[];
}

// Runs

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type RunTrigger = 'manual' | 'schedule' | 'api';

export interface RunCounts {
  requests: number;
  retries: number;
  pages: number;
  records_read: number;
  records_written: number;
  records_quarantined: number;
  bytes: number;
}

export interface RunError {
  code: string;
  message: string;
}

export interface RunRecord {
  id: string;
  flow_id: string;
  status: RunStatus;
  trigger: RunTrigger;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  counts: RunCounts;
  warnings: string[];
  error: RunError | null;
  /** Who took the run from the queue (a worker's name), if anyone. */
  claimed_by: string | null;
  /** The last sign of life of the process running it. */
  heartbeat_at: string | null;
  /** Log lines kept, and lines dropped after the per-run cap. */
  log_lines: number;
  log_lines_dropped: number;
}

export interface NewRun {
  id?: string;
  flow_id: string;
  trigger: RunTrigger;
  /** Default `queued`; `running` for a run executed at once by the process that creates it. */
  status?: 'queued' | 'running';
  claimed_by?: string | null;
}

export interface RunPatch {
  status?: RunStatus;
  started_at?: string | null;
  finished_at?: string | null;
  duration_ms?: number | null;
  counts?: RunCounts;
  warnings?: string[];
  error?: RunError | null;
  heartbeat_at?: string | null;
}

// Run logs

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface NewRunLogLine {
  level: LogLevel;
  time: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface RunLogLine {
  /** 1, 2, 3 … in the order appended, per run. */
  seq: number;
  level: LogLevel;
  time: string;
  message: string;
  fields: Record<string, unknown>;
}

export interface AppendLogResult {
  appended: number;
  /** Lines not kept because the run reached its cap. */
  dropped: number;
}

// Notifications

export type NotificationKind =
  'run_failed' | 'run_recovered' | 'credential_test_failed' | 'key_expiring' | 'schema_changed';

/** What a notification is about; any combination. */
export interface NotificationSubject {
  flow_id?: string;
  run_id?: string;
  credential_id?: string;
}

export interface NotificationRecord {
  id: string;
  kind: NotificationKind;
  subject: NotificationSubject;
  message: string;
  created_at: string;
  read_at: string | null;
}

export interface NewNotification {
  kind: NotificationKind;
  subject?: NotificationSubject;
  message: string;
}

// Audit

export interface AuditEntry {
  id: string;
  /** A username, `token:<name>`, `system`, … */
  actor: string;
  /** A verb: `create`, `update`, `delete`, `rotate`, `run`, … */
  action: string;
  entity_type: string;
  entity_id: string;
  /** The entity before and after, secrets already masked by the caller (`maskCredential`). */
  before: unknown;
  after: unknown;
  at: string;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  entity_type?: string;
  entity_id?: string;
}

// Users and API tokens

export type Role = 'admin' | 'editor' | 'viewer';

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  created_at: string;
}

export interface NewUser {
  username: string;
  /** Hashed with scrypt before it is stored (see `hashPassword`). */
  password: string;
  role: Role;
}

export interface UserPatch {
  password?: string;
  role?: Role;
}

export interface ApiTokenRecord {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** A token just made: `secret` is shown once and stored only as its SHA-256. */
export interface CreatedApiToken {
  token: ApiTokenRecord;
  secret: string;
}

export interface AuthenticatedToken {
  token: ApiTokenRecord;
  user: UserRecord;
}
