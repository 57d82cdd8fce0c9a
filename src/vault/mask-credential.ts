import { isSecretField } from './secret-fields.js';

/** What a secret field shows in a credential view. */
export const MASKED_VALUE = '***';

/**
 * The same credential with every secret field (see `SECRET_FIELDS`) replaced by `"***"`: for API
 * responses, exports and logs. Fields that are absent stay absent, so a view never suggests a
 * secret exists where none was set.
 */
export function maskCredential<T extends object>(credential: T): T {
  const masked: Record<string, unknown> = {};

  for (const [name, value] of Object.entries(credential)) {
    masked[name] = isSecretField(name) && value !== undefined ? MASKED_VALUE : value;
  }

  return masked as T;
}
