import type { CredentialRecord, CredentialTestResult } from '../store/store.js';
import { MASKED_VALUE } from '../vault/mask-credential.js';
import { isSecretField } from '../vault/secret-fields.js';
import { fieldsOfType } from './credential-body.js';

/** A stored credential as the API shows it: secrets masked, never decrypted for a view. */
export interface CredentialView {
  id: string;
  name: string;
  description: string | null;
  type: string;
  /** The credential's own fields; every secret field is `***`. */
  credential: Record<string, unknown>;
  base_url: string | null;
  site_id: string | number | null;
  test_url: string | null;
  key_created_on: string | null;
  last_test: CredentialTestResult | null;
  created_at: string;
  updated_at: string;
}

/** The plain fields of the credential itself, without the service's own keys. */
export function credentialFieldsOf(record: CredentialRecord): Record<string, unknown> {
  const fields = new Set(fieldsOfType(record.type));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record.config)) {
    if (fields.has(key)) out[key] = value;
  }
  return out;
}

export function toCredentialView(record: CredentialRecord): CredentialView {
  const credential: Record<string, unknown> = { ...credentialFieldsOf(record), type: record.type };
  for (const field of fieldsOfType(record.type)) {
    if (isSecretField(field)) credential[field] = MASKED_VALUE;
  }

  return {
    id: record.id,
    name: record.name,
    description: record.description,
    type: record.type,
    credential,
    base_url: stringOrNull(record.config['base_url']),
    site_id: siteIdOf(record.config['site_id']),
    test_url: stringOrNull(record.config['test_url']),
    key_created_on: record.key_created_on,
    last_test: record.last_test,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function siteIdOf(value: unknown): string | number | null {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}
