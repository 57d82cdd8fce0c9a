import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

import { MasterKeyFormatError, VaultKeyError } from '../errors/errors.js';
import { splitSecrets } from './secret-fields.js';

/**
 * Blob layout, version 1:
 *   [0]      format version (1)
 *   [1..8]   key check: the first 8 bytes of HMAC-SHA256(master key, KEY_CHECK_LABEL)
 *   [9..20]  nonce, random per encryption
 *   [21..-17] AES-256-GCM ciphertext of the secrets as JSON
 *   [-16..]  GCM tag
 * The associated data binds the header and the credential id, so a blob copied onto another
 * credential, or a header altered, fails authentication. The key check tells "another master key"
 * apart from "altered data", and lets a later version pick among several keys when rotating.
 * TODO(#6): no key rotation yet (decrypt with the old key, re-encrypt every credential).
 */
const FORMAT_VERSION = 1;
const KEY_CHECK_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_CHECK_BYTES + NONCE_BYTES;
const KEY_CHECK_LABEL = 'hotjar-flow vault key check v1';
const ENCRYPTION_INFO = 'hotjar-flow credential vault v1';

const WRONG_KEY_MESSAGE =
  'the master key does not match the one these credentials were encrypted with';

/** A stored credential: its encrypted secret fields and its plain config. */
export interface SealedCredential {
  encrypted_secret: Buffer;
  config: Record<string, unknown>;
}

/** Encrypts the secret fields of credentials with AES-256-GCM under a key derived from the master key. */
export class CredentialVault {
  readonly #encryptionKey: Buffer;
  readonly #keyCheck: Buffer;

  /** `masterKey`: exactly 32 bytes (see `loadMasterKey`). */
  constructor(masterKey: Uint8Array) {
    if (masterKey.length !== 32) {
      throw new MasterKeyFormatError(`the master key must be 32 bytes, got ${masterKey.length}`);
    }

    const derived = hkdfSync('sha256', masterKey, Buffer.alloc(0), ENCRYPTION_INFO, 32);
    this.#encryptionKey = Buffer.from(derived);
    this.#keyCheck = createHmac('sha256', masterKey)
      .update(KEY_CHECK_LABEL)
      .digest()
      .subarray(0, KEY_CHECK_BYTES);
  }

  /** Encrypts `secrets` (any JSON value map) for the credential `credentialId`. */
  encrypt(credentialId: string, secrets: Record<string, unknown>): Buffer {
    const header = Buffer.concat([
      Buffer.from([FORMAT_VERSION]),
      this.#keyCheck,
      randomBytes(NONCE_BYTES),
    ]);
    const cipher = createCipheriv('aes-256-gcm', this.#encryptionKey, nonceOf(header));
    cipher.setAAD(associatedData(header, credentialId));

    const body = cipher.update(JSON.stringify(secrets), 'utf8');
    return Buffer.concat([header, body, cipher.final(), cipher.getAuthTag()]);
  }

  /** Decrypts a blob made by `encrypt` for the same credential; throws `VaultKeyError` otherwise. */
  decrypt(credentialId: string, blob: Uint8Array): Record<string, unknown> {
    const data = Buffer.from(blob);
    this.#checkHeader(credentialId, data);

    const header = data.subarray(0, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#encryptionKey, nonceOf(header));
    decipher.setAAD(associatedData(header, credentialId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));

    try {
      const body = data.subarray(HEADER_BYTES, data.length - TAG_BYTES);
      const text = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new VaultKeyError(
        `the encrypted secret of credential ${credentialId} does not belong to it or was altered`,
        { cause: error, details: { credential_id: credentialId, reason: 'not_authentic' } },
      );
    }
  }

  /** Splits a full credential into an encrypted blob of its secret fields and its plain config. */
  seal(credentialId: string, credential: Record<string, unknown>): SealedCredential {
    const { secrets, config } = splitSecrets(credential);
    return { encrypted_secret: this.encrypt(credentialId, secrets), config };
  }

  /** The full credential again: plain config plus the decrypted secret fields. */
  unseal(credentialId: string, sealed: SealedCredential): Record<string, unknown> {
    return { ...sealed.config, ...this.decrypt(credentialId, sealed.encrypted_secret) };
  }

  #checkHeader(credentialId: string, data: Buffer): void {
    const details = { credential_id: credentialId };

    if (data.length < HEADER_BYTES + TAG_BYTES) {
      throw new VaultKeyError(`the encrypted secret of credential ${credentialId} is truncated`, {
        details: { ...details, reason: 'truncated' },
      });
    }

    if (data[0] !== FORMAT_VERSION) {
      throw new VaultKeyError(
        `the encrypted secret of credential ${credentialId} has format version ${data[0]}; ` +
          `this release reads version ${FORMAT_VERSION}`,
        { details: { ...details, reason: 'unknown_version' } },
      );
    }

    if (!timingSafeEqual(data.subarray(1, 1 + KEY_CHECK_BYTES), this.#keyCheck)) {
      throw new VaultKeyError(WRONG_KEY_MESSAGE, {
        details: { ...details, reason: 'key_mismatch' },
      });
    }
  }
}

function nonceOf(header: Buffer): Buffer {
  return header.subarray(1 + KEY_CHECK_BYTES, HEADER_BYTES);
}

function associatedData(header: Buffer, credentialId: string): Buffer {
  return Buffer.concat([header, Buffer.from(`credential:${credentialId}`, 'utf8')]);
}
