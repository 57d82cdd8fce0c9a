import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, fstatSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { MasterKeyFormatError, MasterKeyPermissionsError } from '../errors/errors.js';

/** The environment variable holding the master key, when it is not kept in a file. */
export const MASTER_KEY_ENV = 'HOTJAR_FLOW_MASTER_KEY';

/** The key file's name inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';

const KEY_BYTES = 32;
const FORMAT_HINT =
  'expected 32 bytes written as 64 hexadecimal characters or as base64 (44 characters), ' +
  'e.g. the output of `openssl rand -base64 32`';

export interface LoadMasterKeyOptions {
  /** The data directory; the key file is `<dataDir>/master.key`. */
  dataDir: string;
  /** Where `HOTJAR_FLOW_MASTER_KEY` is read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface MasterKey {
  key: Buffer;
  /** `env`: from `HOTJAR_FLOW_MASTER_KEY`; `file`: from (or just written to) the key file. */
  source: 'env' | 'file';
  /** The key file's path when `source` is `file`. */
  path: string | null;
  /** True when this call created the key file. */
  created: boolean;
}

/**
 * The master key of the credential vault: `HOTJAR_FLOW_MASTER_KEY` when set, otherwise the key
 * file `<dataDir>/master.key`, created on first start with 32 random bytes and mode 0600. A key
 * file readable by group or others is refused, as is a key in neither hex nor base64.
 */
export function loadMasterKey(options: LoadMasterKeyOptions): MasterKey {
  const env = options.env ?? process.env;
  const fromEnv = env[MASTER_KEY_ENV];

  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return {
      key: parseMasterKey(fromEnv, MASTER_KEY_ENV),
      source: 'env',
      path: null,
      created: false,
    };
  }

  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const path = join(options.dataDir, MASTER_KEY_FILE);
  const created = createKeyFile(path);
  return { key: readKeyFile(path), source: 'file', path, created };
}

/** Decodes a key written as 64 hex characters or as base64 / base64url of 32 bytes. */
export function parseMasterKey(text: string, origin: string): Buffer {
  const value = text.trim();

  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');

  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(
      value,
      value.includes('-') || value.includes('_') ? 'base64url' : 'base64',
    );
    if (key.length === KEY_BYTES) return key;
  }

  // The value itself is never repeated: it may be a secret pasted into the wrong variable.
  throw new MasterKeyFormatError(
    `${origin}: the master key is not valid (${value.length} characters); ${FORMAT_HINT}`,
    {
      details: { origin, length: value.length },
    },
  );
}

/** Writes a fresh key unless the file exists; `wx` keeps two starting processes from racing. */
function createKeyFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }

  try {
    writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }

  return true;
}

function readKeyFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    assertPrivate(path, fstatSync(fd).mode);
    return parseMasterKey(readFileSync(fd, 'utf8'), path);
  } finally {
    closeSync(fd);
  }
}

function assertPrivate(path: string, mode: number): void {
  // POSIX modes do not describe Windows ACLs; there the file's ACL is the operator's business.
  if (process.platform === 'win32' || (mode & 0o077) === 0) return;

  const actual = (mode & 0o777).toString(8).padStart(4, '0');
  throw new MasterKeyPermissionsError(
    `${path}: the master key file has mode ${actual}, readable by other users; ` +
      `expected 0600 (run \`chmod 600 ${path}\`)`,
    { details: { path, mode: actual } },
  );
}
