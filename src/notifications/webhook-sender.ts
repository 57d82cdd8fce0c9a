import { randomUUID } from 'node:crypto';

import type { Logger } from '../log/logger.js';
import { sleepOn, type TimerClock } from '../scheduler/timer-clock.js';
import {
  resolveRetryOptions,
  webhookRetryDecision,
  type AttemptResult,
  type ResolvedRetryOptions,
  type WebhookRetryOptions,
} from './webhook-retry.js';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature.js';
import type { WebhookTarget } from './webhook-targets.js';

/** Header naming the event (`run_failed`, …). */
export const EVENT_HEADER = 'x-hotjar-flow-event';

/** Header with one id per delivery, the same on every retry, so receivers can drop duplicates. */
export const DELIVERY_HEADER = 'x-hotjar-flow-delivery';

/** The part of `fetch` the sender uses; the global `fetch` fits. */
export type WebhookFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; body?: { cancel(): Promise<void> } | null }>;

/** One notification as it is posted: the JSON event, and its one-line text for Slack. */
export interface WebhookMessage {
  event: string;
  json: Record<string, unknown>;
  text: string;
}

export interface WebhookSenderOptions {
  http: WebhookFetch;
  clock: TimerClock;
  logger: Logger;
  retry?: WebhookRetryOptions;
}

/**
 * Posts notifications to webhooks in the background, retrying transient failures with backoff.
 * `send` never waits and never throws; outcomes are logged. `drain` waits for what is in flight.
 */
export class WebhookSender {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retry: ResolvedRetryOptions;

  constructor(private readonly options: WebhookSenderOptions) {
    this.retry = resolveRetryOptions(options.retry);
  }

  send(target: WebhookTarget, message: WebhookMessage): void {
    const delivery = this.deliver(target, message, randomUUID()).catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'webhook delivery crashed');
    });

    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** Resolves when every delivery started so far has ended (delivered or given up). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async deliver(target: WebhookTarget, message: WebhookMessage, id: string): Promise<void> {
    const body = JSON.stringify(target.format === 'slack' ? { text: message.text } : message.json);
    const fields = { webhook: originOf(target.url), event: message.event, delivery: id };

    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(target, { body, event: message.event, id });
      if ('status' in result && result.status >= 200 && result.status < 300) {
        this.options.logger.info(
          { ...fields, attempt, status: result.status },
          'webhook delivered',
        );
        return;
      }

      const decision = webhookRetryDecision(result, attempt, this.retry);
      const status = 'status' in result ? result.status : null;
      if (!decision.retry) {
        this.options.logger.error(
          { ...fields, attempt, status, reason: decision.reason },
          'webhook delivery given up',
        );
        return;
      }

      this.options.logger.warn(
        { ...fields, attempt, status, reason: decision.reason, waitMs: decision.waitMs },
        'webhook delivery retried',
      );
      await sleepOn(this.options.clock, decision.waitMs);
    }
  }

  private async attempt(
    target: WebhookTarget,
    request: { body: string; event: string; id: string },
  ): Promise<AttemptResult> {
    const timestamp = Math.floor(this.options.clock.now().getTime() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [EVENT_HEADER]: request.event,
      [DELIVERY_HEADER]: request.id,
      [TIMESTAMP_HEADER]: String(timestamp),
    };
    if (target.secret !== undefined) {
      headers[SIGNATURE_HEADER] = signWebhook({
        secret: target.secret,
        body: request.body,
        timestamp,
      });
    }

    try {
      const signal = AbortSignal.timeout(this.retry.timeoutMs);
      const response = await this.options.http(target.url, {
        method: 'POST',
        headers,
        body: request.body,
        signal,
      });
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      return { networkError: error instanceof Error ? error.name : 'error' };
    }
  }
}

/** Only the origin of a webhook URL is logged: Slack-style URLs carry a secret in their path. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid URL';
  }
}
