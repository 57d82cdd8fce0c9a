/**
 * The fields of a credential that are secret, whatever its type: they are encrypted at rest, and
 * masked in API responses, exports and logs. Everything else in a credential is plain config.
 */
export const SECRET_FIELDS: readonly string[] = ['client_secret', 'token', 'password', 'value'];

/** A credential split in two: the secret fields (encrypted) and the rest (stored in clear). */
export interface SplitCredential {
  secrets: Record<string, unknown>;
  config: Record<string, unknown>;
}

export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.includes(name);
}

/** Separates the secret fields of a credential from its plain config; neither input is changed. */
export function splitSecrets(credential: Record<string, unknown>): SplitCredential {
  const secrets: Record<string, unknown> = {};
  const config: Record<string, unknown> = {};

  for (const [name, value] of Object.entries(credential)) {
    if (isSecretField(name)) secrets[name] = value;
    else config[name] = value;
  }

  return { secrets, config };
}
