export { Notifier, type NotifierOptions } from './notifier.js';
export { NOTIFIER_STATE_NAME } from './notifier-memory.js';
export { DEFAULT_KEY_WARNING_DAYS, keyExpiresAt } from './key-expiry.js';
export type { NotificationEvent, SchemaChanges } from './notification-messages.js';
export { diffSchemas } from './schema-changes.js';
export type { WebhookRetryOptions } from './webhook-retry.js';
export { DELIVERY_HEADER, EVENT_HEADER, type WebhookFetch } from './webhook-sender.js';
export {
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from './webhook-signature.js';
export {
  parseWebhookTargets,
  WEBHOOKS_ENV,
  webhookTargetsFromEnv,
  type WebhookTarget,
} from './webhook-targets.js';
