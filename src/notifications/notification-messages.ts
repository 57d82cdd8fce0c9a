import { redactSecrets } from '../http/redact-secrets.js';
import type {
  CredentialRecord,
  CredentialTestResult,
  FlowRecord,
  NewNotification,
  NotificationRecord,
  RunRecord,
} from '../store/store.js';
import type { WebhookMessage } from './webhook-sender.js';

/** How a dataset's schema moved: field names added, removed, or with another type. */
export interface SchemaChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Everything the notifier reports, with what it is about. */
export type NotificationEvent =
  | { kind: 'run_failed' | 'run_recovered'; flow: FlowRecord; run: RunRecord }
  | { kind: 'credential_test_failed'; credential: CredentialRecord; result: CredentialTestResult }
  | { kind: 'key_expiring'; credential: CredentialRecord; expiresAt: Date; daysLeft: number }
  | { kind: 'schema_changed'; flow: FlowRecord; changes: SchemaChanges };

/** The in-app notification of an event. Messages name things; they never carry a secret. */
export function notificationFor(event: NotificationEvent): NewNotification {
  switch (event.kind) {
    case 'run_failed':
    case 'run_recovered':
      return {
        kind: event.kind,
        subject: { flow_id: event.flow.id, run_id: event.run.id },
        message: runMessage(event),
      };
    case 'credential_test_failed':
      return {
        kind: event.kind,
        subject: { credential_id: event.credential.id },
        message: `Credential "${event.credential.name}" failed its test: ${clean(event.result.message)}`,
      };
    case 'key_expiring':
      return {
        kind: event.kind,
        subject: { credential_id: event.credential.id },
        message: keyMessage(event),
      };
    case 'schema_changed':
      return {
        kind: event.kind,
        subject: { flow_id: event.flow.id },
        message: schemaMessage(event),
      };
  }
}

function runMessage(
  event: Extract<NotificationEvent, { flow: FlowRecord; run: RunRecord }>,
): string {
  if (event.kind === 'run_recovered') {
    return `Flow "${event.flow.name}" succeeded again after a failed run`;
  }

  const error = event.run.error;
  const reason = error === null ? 'no error recorded' : `${error.code}: ${clean(error.message)}`;
  return `Flow "${event.flow.name}" failed: ${reason}`;
}

function keyMessage(event: Extract<NotificationEvent, { kind: 'key_expiring' }>): string {
  const on = event.expiresAt.toISOString().slice(0, 10);
  const name = `The Hotjar API key of credential "${event.credential.name}"`;
  if (event.daysLeft <= 0) return `${name} expired on ${on}; create a new key and rotate it`;

  const days = event.daysLeft === 1 ? '1 day' : `${event.daysLeft} days`;
  return `${name} expires in ${days}, on ${on}; create a new key and rotate it`;
}

function schemaMessage(event: Extract<NotificationEvent, { kind: 'schema_changed' }>): string {
  const { added, removed, changed } = event.changes;
  const parts = [
    added.length > 0 ? `added ${added.join(', ')}` : '',
    removed.length > 0 ? `removed ${removed.join(', ')}` : '',
    changed.length > 0 ? `changed type of ${changed.join(', ')}` : '',
  ].filter((part) => part !== '');
  return `The schema of flow "${event.flow.name}" changed: ${parts.join('; ')}`;
}

/** Messages built from error text pass through the secret masks once more, to be safe. */
function clean(text: string): string {
  return redactSecrets(text);
}

/**
 * What is posted to webhooks for a stored notification: `{event, id, message, at, flow?, run?,
 * credential?, details?}` with only ids, names and outcomes — never a secret or a credential's
 * configuration.
 */
export function webhookMessageFor(
  event: NotificationEvent,
  record: NotificationRecord,
): WebhookMessage {
  const json: Record<string, unknown> = {
    event: record.kind,
    id: record.id,
    message: record.message,
    at: record.created_at,
    ...subjectOf(event),
  };
  return { event: record.kind, json, text: `hotjar-flow: ${record.message}` };
}

function subjectOf(event: NotificationEvent): Record<string, unknown> {
  switch (event.kind) {
    case 'run_failed':
    case 'run_recovered':
      return { flow: flowRef(event.flow), run: runRef(event.run) };
    case 'credential_test_failed':
      return {
        credential: credentialRef(event.credential),
        details: { tested_at: event.result.tested_at },
      };
    case 'key_expiring':
      return {
        credential: credentialRef(event.credential),
        details: { expires_at: event.expiresAt.toISOString(), days_left: event.daysLeft },
      };
    case 'schema_changed':
      return { flow: flowRef(event.flow), details: event.changes };
  }
}

function flowRef(flow: FlowRecord): Record<string, unknown> {
  return { id: flow.id, name: flow.name };
}

function credentialRef(credential: CredentialRecord): Record<string, unknown> {
  return { id: credential.id, name: credential.name, type: credential.type };
}

function runRef(run: RunRecord): Record<string, unknown> {
  const error =
    run.error === null ? null : { code: run.error.code, message: clean(run.error.message) };
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    started_at: run.started_at,
    finished_at: run.finished_at,
    duration_ms: run.duration_ms,
    counts: run.counts,
    error,
  };
}
