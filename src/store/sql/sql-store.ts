import { randomUUID } from 'node:crypto';

import type { Store, StoreOptions } from '../store.js';
import type {
  AuditFilter,
  CredentialPatch,
  CredentialTestResult,
  FlowPatch,
  NewAuditEntry,
  NewCredential,
  NewFlow,
  NewNotification,
  NewRun,
  NewRunLogLine,
  NewUser,
  PageRequest,
  RunPatch,
  UserPatch,
} from '../store-records.js';
import * as audit from './sql-audit.js';
import type { SqlContext } from './sql-context.js';
import * as credentials from './sql-credentials.js';
import type { SqlDriver } from './sql-driver.js';
import * as flows from './sql-flows.js';
import * as notifications from './sql-notifications.js';
import * as runLogs from './sql-run-logs.js';
import * as runs from './sql-runs.js';
import * as syncState from './sql-sync-state.js';
import * as users from './sql-users.js';

/** Log lines kept per run unless the options say otherwise. */
export const DEFAULT_MAX_LOG_LINES_PER_RUN = 5_000;

/**
 * The `Store` over SQL: one set of queries for SQLite and PostgreSQL, the differences kept in
 * the drivers (placeholders, value types) and the few dialect branches (row locks).
 */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly #ctx: SqlContext;

  constructor(db: SqlDriver, options: StoreOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.kind = db.dialect;
    this.#ctx = {
      db,
      now: () => now().toISOString(),
      newId: () => randomUUID(),
      maxLogLinesPerRun: options.maxLogLinesPerRun ?? DEFAULT_MAX_LOG_LINES_PER_RUN,
    };
  }

  createCredential = (input: NewCredential) => credentials.createCredential(this.#ctx, input);
  getCredential = (id: string) => credentials.getCredential(this.#ctx, id);
  getCredentialByName = (name: string) => credentials.getCredentialByName(this.#ctx, name);
  listCredentials = (page?: PageRequest) => credentials.listCredentials(this.#ctx, page);
  updateCredential = (id: string, patch: CredentialPatch) =>
    credentials.updateCredential(this.#ctx, id, patch);
  recordCredentialTest = (id: string, result: CredentialTestResult) =>
    credentials.recordCredentialTest(this.#ctx, id, result);
  deleteCredential = (id: string) => credentials.deleteCredential(this.#ctx, id);

  createFlow = (input: NewFlow) => flows.createFlow(this.#ctx, input);
  getFlow = (id: string) => flows.getFlow(this.#ctx, id);
  getFlowByName = (name: string) => flows.getFlowByName(this.#ctx, name);
  listFlows = (page?: PageRequest) => flows.listFlows(this.#ctx, page);
  updateFlow = (id: string, patch: FlowPatch) => flows.updateFlow(this.#ctx, id, patch);
  deleteFlow = (id: string) => flows.deleteFlow(this.#ctx, id);
  flowsUsingCredential = (credentialId: string) =>
    flows.flowsUsingCredential(this.#ctx, credentialId);

  createRun = (input: NewRun) => runs.createRun(this.#ctx, input);
  getRun = (id: string) => runs.getRun(this.#ctx, id);
  updateRun = (id: string, patch: RunPatch) => runs.updateRun(this.#ctx, id, patch);
  listRunsByFlow = (flowId: string, page?: PageRequest) =>
    runs.listRunsByFlow(this.#ctx, flowId, page);
  claimNextQueued = (worker: string) => runs.claimNextQueued(this.#ctx, worker);
  requeueStaleRuns = (before: string) => runs.requeueStaleRuns(this.#ctx, before);

  appendRunLogs = (runId: string, lines: NewRunLogLine[]) =>
    runLogs.appendRunLogs(this.#ctx, runId, lines);
  listRunLogs = (runId: string, page?: PageRequest) => runLogs.listRunLogs(this.#ctx, runId, page);

  readSyncState = (flow: string) => syncState.readSyncState(this.#ctx, flow);
  writeSyncState = (flow: string, values: Map<string, unknown>) =>
    syncState.writeSyncState(this.#ctx, flow, values);
  resetSyncState = (flow: string, partition?: string) =>
    syncState.resetSyncState(this.#ctx, flow, partition);

  createNotification = (input: NewNotification) =>
    notifications.createNotification(this.#ctx, input);
  listNotifications = (options?: PageRequest & { unread_only?: boolean }) =>
    notifications.listNotifications(this.#ctx, options);
  markNotificationRead = (id: string) => notifications.markNotificationRead(this.#ctx, id);
  markAllNotificationsRead = () => notifications.markAllNotificationsRead(this.#ctx);

  appendAudit = (entry: NewAuditEntry) => audit.appendAudit(this.#ctx, entry);
  listAudit = (options?: PageRequest & AuditFilter) => audit.listAudit(this.#ctx, options);

  createUser = (input: NewUser) => users.createUser(this.#ctx, input);
  getUser = (id: string) => users.getUser(this.#ctx, id);
  getUserByUsername = (username: string) => users.getUserByUsername(this.#ctx, username);
  listUsers = (page?: PageRequest) => users.listUsers(this.#ctx, page);
  updateUser = (id: string, patch: UserPatch) => users.updateUser(this.#ctx, id, patch);
  deleteUser = (id: string) => users.deleteUser(this.#ctx, id);
  verifyPassword = (username: string, password: string) =>
    users.verifyPassword(this.#ctx, username, password);
  createApiToken = (input: { user_id: string; name: string }) =>
    users.createApiToken(this.#ctx, input);
  authenticateApiToken = (secret: string) => users.authenticateApiToken(this.#ctx, secret);
  listApiTokens = (userId: string) => users.listApiTokens(this.#ctx, userId);
  deleteApiToken = (id: string) => users.deleteApiToken(this.#ctx, id);

  close = () => this.#ctx.db.close();
}
