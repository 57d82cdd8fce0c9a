import { createHash } from 'node:crypto';

import { silentLogger, type Logger } from '../log/logger.js';
import { systemTimerClock, type TimerClock, type TimerHandle } from '../scheduler/timer-clock.js';
import type {
  CredentialRecord,
  CredentialTestResult,
  FlowRecord,
  NotificationRecord,
  RunRecord,
  Store,
} from '../store/store.js';
import { DEFAULT_KEY_WARNING_DAYS, dueKeyWarning } from './key-expiry.js';
import {
  notificationFor,
  webhookMessageFor,
  type NotificationEvent,
} from './notification-messages.js';
import { NotifierMemory } from './notifier-memory.js';
import { diffSchemas, isUnchanged } from './schema-changes.js';
import type { WebhookRetryOptions } from './webhook-retry.js';
import { WebhookSender, type WebhookFetch } from './webhook-sender.js';
import type { WebhookTarget } from './webhook-targets.js';

export interface NotifierOptions {
  store: Store;
  /** Where every notification is also posted; default none (see `webhookTargetsFromEnv`). */
  webhooks?: WebhookTarget[];
  /** Default: the global `fetch`. */
  http?: WebhookFetch;
  /** Default: a silent logger. */
  logger?: Logger;
  /** Default: the system clock. */
  clock?: TimerClock;
  /** Webhook retries; see `WebhookRetryOptions` for the defaults. */
  retry?: WebhookRetryOptions;
  /** Days before a Hotjar key's expiry at which to warn; default [30, 7]. */
  keyWarningDays?: readonly number[];
  /** How often `start` checks key expiry; default every 6 hours. */
  keyCheckIntervalMs?: number;
}

/**
 * Turns what happens (runs failing and recovering, credential tests failing, keys nearing
 * expiry, schemas changing) into in-app notifications in the store and webhook posts.
 *
 * Each event is stored once: what was already reported is remembered in the store (sync state
 * `_notifications`), so calling twice with the same run, test or key changes nothing. Methods
 * never throw: a store failure is logged and gives no notification. Webhook posts run in the
 * background (`drain` waits for them).
 *
 * TODO(#6): "reported once" holds within one process; two processes reporting the same event at
 * the same moment could both store it (the memory is read, then written, not compared-and-set).
 * TODO(#6): webhook deliveries in flight are lost if the process exits; there is no outbox.
 */
export class Notifier {
  private readonly store: Store;
  private readonly webhooks: WebhookTarget[];
  private readonly clock: TimerClock;
  private readonly logger: Logger;
  private readonly sender: WebhookSender;
  private readonly memory: NotifierMemory;
  private readonly keyWarningDays: readonly number[];
  private readonly keyCheckIntervalMs: number;
  private keyTimer: TimerHandle | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: NotifierOptions) {
    this.store = options.store;
    this.webhooks = options.webhooks ?? [];
    this.clock = options.clock ?? systemTimerClock();
    this.logger = (options.logger ?? silentLogger()).child({ module: 'notifications' });
    this.memory = new NotifierMemory(this.store);
    this.keyWarningDays = options.keyWarningDays ?? DEFAULT_KEY_WARNING_DAYS;
    this.keyCheckIntervalMs = options.keyCheckIntervalMs ?? 6 * 3_600_000;
    this.sender = new WebhookSender({
      http: options.http ?? fetch,
      clock: this.clock,
      logger: this.logger,
      ...(options.retry !== undefined && { retry: options.retry }),
    });
  }

  /**
   * Reports a finished run: `run_failed` for a failure; `run_recovered` for a success whose
   * previous finished run of the flow failed. Other statuses, and a run already reported, give
   * nothing.
   */
  runFinished(flow: FlowRecord, run: RunRecord): Promise<NotificationRecord | null> {
    return this.serially('run_finished', async () => {
      if (run.status !== 'succeeded' && run.status !== 'failed') return null;

      const last = await this.memory.lastRun(flow.id);
      if (last?.run_id === run.id) return null;

      const kind = run.status === 'failed' ? 'run_failed' : 'run_recovered';
      const record =
        kind === 'run_recovered' && last?.status !== 'failed'
          ? null
          : await this.emit({ kind, flow, run });

      await this.memory.rememberRun(flow.id, { run_id: run.id, status: run.status });
      return record;
    });
  }

  /** Reports a failed credential test; a result already reported (same `tested_at`) gives nothing. */
  credentialTestFailed(
    credential: CredentialRecord,
    result: CredentialTestResult,
  ): Promise<NotificationRecord | null> {
    return this.serially('credential_test_failed', async () => {
      if (result.status !== 'failed') return null;
      if (!(await this.memory.firstTestFailure(credential.id, result.tested_at))) return null;

      return this.emit({ kind: 'credential_test_failed', credential, result });
    });
  }

  /**
   * Warns about Hotjar keys (credentials with `key_created_on`) expiring within each of the
   * warning thresholds (default 30 and 7 days); each warning once per key, a rotated key
   * (another `key_created_on`) starting afresh.
   */
  checkKeyExpiry(now: Date = this.clock.now()): Promise<NotificationRecord[]> {
    return this.serially('key_expiring', async () => {
      const created: NotificationRecord[] = [];
      for (const credential of await this.allCredentials()) {
        const record = await this.warnKey(credential, now);
        if (record !== null) created.push(record);
      }
      return created;
    }).then((records) => records ?? []);
  }

  /**
   * Reports that a flow's dataset schema moved from `before` to `after` (field name → field
   * description). Nothing when they are equal, or when this very `after` was already reported.
   */
  schemaChanged(
    flow: FlowRecord,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ): Promise<NotificationRecord | null> {
    return this.serially('schema_changed', async () => {
      const changes = diffSchemas(before, after);
      if (isUnchanged(changes)) return null;

      const digest = createHash('sha256').update(JSON.stringify(after)).digest('hex');
      if (!(await this.memory.newSchema(flow.id, digest))) return null;
      return this.emit({ kind: 'schema_changed', flow, changes });
    });
  }

  /** Checks key expiry now and then every `keyCheckIntervalMs`, until `stop`. */
  start(): void {
    if (this.keyTimer !== undefined) return;

    const check = (): void => {
      void this.checkKeyExpiry().finally(() => {
        if (this.keyTimer !== undefined)
          this.keyTimer = this.clock.setTimer(check, this.keyCheckIntervalMs);
      });
    };
    this.keyTimer = this.clock.setTimer(check, 0);
  }

  /** Stops the periodic key check and waits for pending work and webhook posts. */
  async stop(): Promise<void> {
    if (this.keyTimer !== undefined) this.clock.clearTimer(this.keyTimer);
    this.keyTimer = undefined;
    await this.drain();
  }

  /** Resolves when every notification so far is stored and every webhook post has ended. */
  async drain(): Promise<void> {
    await this.queue;
    await this.sender.drain();
  }

  private async warnKey(
    credential: CredentialRecord,
    now: Date,
  ): Promise<NotificationRecord | null> {
    const createdOn = credential.key_created_on;
    if (createdOn === null) return null;

    const warned = await this.memory.keyWarnings(credential.id, createdOn);
    const warning = dueKeyWarning({ createdOn, now, thresholds: this.keyWarningDays, warned });
    if (warning === null) return null;

    await this.memory.rememberKeyWarnings(credential.id, createdOn, [...warned, ...warning.covers]);
    const { expiresAt, daysLeft } = warning;
    return this.emit({ kind: 'key_expiring', credential, expiresAt, daysLeft });
  }

  private async allCredentials(): Promise<CredentialRecord[]> {
    const all: CredentialRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.store.listCredentials({ limit: 500, cursor });
      all.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return all;
  }

  /** Stores the notification and posts it to every webhook in the background. */
  private async emit(event: NotificationEvent): Promise<NotificationRecord> {
    const record = await this.store.createNotification(notificationFor(event));
    this.logger.info(
      { kind: record.kind, notification: record.id, ...record.subject },
      'notification created',
    );

    const message = webhookMessageFor(event, record);
    for (const target of this.webhooks) this.sender.send(target, message);
    return record;
  }

  /** One report at a time, so read-then-remember steps never interleave; failures are logged. */
  private serially<T>(kind: string, task: () => Promise<T>): Promise<T | null> {
    const result = this.queue.then(task).catch((error: unknown) => {
      this.logger.error({ kind, err: error }, 'notification failed');
      return null;
    });
    this.queue = result;
    return result;
  }
}
