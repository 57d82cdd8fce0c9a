import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { VaultKeyError } from '../errors/errors.js';
import { CredentialVault } from './credential-vault.js';

const credential = {
  type: 'hotjar',
  client_id: 'client-123',
  client_secret: 's3cr3t-value',
};

function decryptError(run: () => unknown): VaultKeyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VaultKeyError);
    return error as VaultKeyError;
  }
  throw new Error('expected decryption to fail');
}

describe('CredentialVault', () => {
  const key = randomBytes(32);
  const vault = new CredentialVault(key);

  it('round-trips the secret fields and keeps the rest as plain config', () => {
    const sealed = vault.seal('cred-1', credential);

    expect(sealed.config).toEqual({ type: 'hotjar', client_id: 'client-123' });
    expect(sealed.encrypted_secret.includes(Buffer.from('s3cr3t-value'))).toBe(false);
    expect(vault.unseal('cred-1', sealed)).toEqual(credential);
  });

  it('uses a fresh nonce for every encryption', () => {
    const first = vault.encrypt('cred-1', { token: 't' });
    const second = vault.encrypt('cred-1', { token: 't' });
    expect(first.equals(second)).toBe(false);
    expect(first[0]).toBe(1);
  });

  it('refuses a blob with any byte flipped', () => {
    const blob = vault.encrypt('cred-1', { password: 'pw' });

    for (let index = 0; index < blob.length; index += 1) {
      const tampered = Buffer.from(blob);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      const error = decryptError(() => vault.decrypt('cred-1', tampered));
      expect(error.code).toBe('VAULT_KEY_INVALID');
    }
  });

  it('refuses a blob moved onto another credential', () => {
    const blob = vault.encrypt('cred-1', { token: 'for cred-1 only' });
    const error = decryptError(() => vault.decrypt('cred-2', blob));
    expect(error.code).toBe('VAULT_KEY_INVALID');
    expect(error.details['reason']).toBe('not_authentic');
    expect(error.message).toContain('cred-2');
  });

  it('says the master key does not match when another key encrypted the blob', () => {
    const blob = vault.encrypt('cred-1', { value: 'api-key' });
    const error = decryptError(() => new CredentialVault(randomBytes(32)).decrypt('cred-1', blob));

    expect(error.code).toBe('VAULT_KEY_INVALID');
    expect(error.message).toBe(
      'the master key does not match the one these credentials were encrypted with',
    );
    expect(error.message).not.toContain('api-key');
  });

  it('refuses a truncated blob and a master key that is not 32 bytes', () => {
    expect(decryptError(() => vault.decrypt('c', Buffer.from([1, 2, 3]))).details['reason']).toBe(
      'truncated',
    );
    expect(() => new CredentialVault(randomBytes(16))).toThrow(/32 bytes/);
  });
});
