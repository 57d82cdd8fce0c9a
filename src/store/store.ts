import type {
  AppendLogResult,
  AuditEntry,
  AuditFilter,
  ApiTokenRecord,
  AuthenticatedToken,
  CreatedApiToken,
  CredentialPatch,
  CredentialRecord,
  CredentialTestResult,
  FlowPatch,
  FlowRecord,
  NewAuditEntry,
  NewCredential,
  NewFlow,
  NewNotification,
  NewRun,
  NewRunLogLine,
  NewUser,
  NotificationRecord,
  Page,
  PageRequest,
  RunLogLine,
  RunPatch,
  RunRecord,
  UserPatch,
  UserRecord,
} from './store-records.js';

export type * from './store-records.js';

/**
 * Where the service keeps its metadata, queue and state: the embedded SQLite file, or PostgreSQL
 * when several machines share it. Every method is atomic. Failures the caller can act on are typed:
 * `StoreNotFoundError` (NOT_FOUND), `StoreConflictError` (CONFLICT), `InvalidCursorError`
 * (INVALID_CURSOR). Lists return `{ items, next_cursor }`; pass `next_cursor` back as `cursor`.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  // Credentials, listed by name. A name is unique (CONFLICT).
  createCredential(input: NewCredential): Promise<CredentialRecord>;
  getCredential(id: string): Promise<CredentialRecord>;
  getCredentialByName(name: string): Promise<CredentialRecord>;
  listCredentials(page?: PageRequest): Promise<Page<CredentialRecord>>;
  /** Rename, describe or rotate; bumps `updated_at`. */
  updateCredential(id: string, patch: CredentialPatch): Promise<CredentialRecord>;
  /** Records a Test result; does not count as an edit (`updated_at` stays). */
  recordCredentialTest(id: string, result: CredentialTestResult): Promise<CredentialRecord>;
  /** CONFLICT while a flow uses it (`details.flows` names them). */
  deleteCredential(id: string): Promise<void>;

  // Flows, listed by name. A name is unique (CONFLICT); referenced credentials must exist.
  createFlow(input: NewFlow): Promise<FlowRecord>;
  getFlow(id: string): Promise<FlowRecord>;
  getFlowByName(name: string): Promise<FlowRecord>;
  listFlows(page?: PageRequest): Promise<Page<FlowRecord>>;
  /** A rename carries the flow's sync state over to the new name. */
  updateFlow(id: string, patch: FlowPatch): Promise<FlowRecord>;
  /** Removes its runs, their logs and its sync state; CONFLICT while a run is queued or running. */
  deleteFlow(id: string): Promise<void>;
  flowsUsingCredential(credentialId: string): Promise<FlowRecord[]>;

  // Runs: the history and the queue.
  createRun(input: NewRun): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord>;
  updateRun(id: string, patch: RunPatch): Promise<RunRecord>;
  /** Newest first. */
  listRunsByFlow(flowId: string, page?: PageRequest): Promise<Page<RunRecord>>;
  /**
   * Takes the oldest queued run whose flow has no running run, marks it `running` with
   * `started_at` and `heartbeat_at` now, and returns it; null when there is none. Two claimers,
   * in one process or many, never get the same run.
   */
  claimNextQueued(worker: string): Promise<RunRecord | null>;
  /** Puts `running` runs whose heartbeat is older than `before` back in the queue; returns them. */
  requeueStaleRuns(before: string): Promise<RunRecord[]>;

  // Run logs: kept in order, at most `maxLogLinesPerRun` per run; later lines are counted, not kept.
  appendRunLogs(runId: string, lines: NewRunLogLine[]): Promise<AppendLogResult>;
  listRunLogs(runId: string, page?: PageRequest): Promise<Page<RunLogLine>>;

  // Sync state of flows run by the service: (flow name, partition) → JSON value.
  readSyncState(flow: string): Promise<Map<string, unknown>>;
  /** Replaces the given partitions' values in one transaction; other partitions stay. */
  writeSyncState(flow: string, values: Map<string, unknown>): Promise<void>;
  /** Clears one partition, or all of the flow's; returns how many were removed. */
  resetSyncState(flow: string, partition?: string): Promise<number>;

  // Notifications, newest first.
  createNotification(input: NewNotification): Promise<NotificationRecord>;
  listNotifications(
    options?: PageRequest & { unread_only?: boolean },
  ): Promise<Page<NotificationRecord>>;
  /** Idempotent: a notification already read keeps its first `read_at`. */
  markNotificationRead(id: string): Promise<NotificationRecord>;
  /** Returns how many were marked. */
  markAllNotificationsRead(): Promise<number>;

  // Audit trail, newest first. The caller masks secrets in `before` / `after` before appending.
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  listAudit(options?: PageRequest & AuditFilter): Promise<Page<AuditEntry>>;

  // Users (listed by username, unique) and their API tokens.
  createUser(input: NewUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord>;
  getUserByUsername(username: string): Promise<UserRecord>;
  listUsers(page?: PageRequest): Promise<Page<UserRecord>>;
  updateUser(id: string, patch: UserPatch): Promise<UserRecord>;
  /** Removes the user's API tokens too. */
  deleteUser(id: string): Promise<void>;
  /** The user when the password matches; null for an unknown user or a wrong password. */
  verifyPassword(username: string, password: string): Promise<UserRecord | null>;
  createApiToken(input: { user_id: string; name: string }): Promise<CreatedApiToken>;
  /** Looks a presented token up by its hash and stamps `last_used_at`; null when unknown. */
  authenticateApiToken(secret: string): Promise<AuthenticatedToken | null>;
  listApiTokens(userId: string): Promise<ApiTokenRecord[]>;
  deleteApiToken(id: string): Promise<void>;

  /** Releases the file or the connection pool. */
  close(): Promise<void>;
}

/** Settings both back-ends share. */
export interface StoreOptions {
  /** Log lines kept per run; default 5,000. */
  maxLogLinesPerRun?: number;
  /** The clock for every timestamp the store writes; default the system clock. */
  now?: () => Date;
}
