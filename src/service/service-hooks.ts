import type { CredentialTestResult, FlowRecord, RunRecord, RunStatus } from '../store/store.js';

/** A run reached a final status (succeeded, failed or cancelled). */
export interface RunFinishedEvent {
  flow: FlowRecord;
  run: RunRecord;
  /** The status of the flow's run before this one; null for its first run. */
  previousStatus: RunStatus | null;
}

/** A credential's Test button was pressed; the result holds no secret. */
export interface CredentialTestedEvent {
  credentialId: string;
  credentialName: string;
  result: CredentialTestResult;
}

/** A flow was created or replaced; `before` is null for a create. */
export interface FlowSavedEvent {
  flow: FlowRecord;
  before: FlowRecord | null;
}

export interface FlowDeletedEvent {
  flow: FlowRecord;
}

/**
 * What the service tells the rest of the installation (the scheduler, notifications) as things
 * happen. Every hook is optional; a hook that throws is logged and never fails the request or
 * the run that raised it.
 */
export interface ServiceHooks {
  runFinished?(event: RunFinishedEvent): void | Promise<void>;
  credentialTested?(event: CredentialTestedEvent): void | Promise<void>;
  flowSaved?(event: FlowSavedEvent): void | Promise<void>;
  flowDeleted?(event: FlowDeletedEvent): void | Promise<void>;
}
