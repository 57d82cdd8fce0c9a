import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

const run = promisify(execFile);

/** What to do on a machine without PostgreSQL. */
export const POSTGRES_INSTALL_HINT = 'apt-get install -y postgresql';

/** A throw-away PostgreSQL cluster on 127.0.0.1, owned by the tests that started it. */
export interface PostgresServer {
  port: number;
  /** Creates an empty database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<version>/bin` holding `initdb`, or null when none is installed. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string | null {
  if (!existsSync(root)) return null;

  const versions = readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  return newest === undefined ? null : join(root, newest, 'bin');
}

/**
 * Starts a fresh cluster: a temporary directory, `initdb`, `pg_ctl start` on a free port with
 * its unix socket inside that directory. As root the binaries run as the `postgres` user (initdb
 * refuses root), through `runuser`.
 */
export async function startPostgresServer(bin: string): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hotjar-flow-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await handToPostgresUser(dir);

  const exec = (program: string, args: string[]) => runAs(asRoot, join(bin, program), args);
  const data = join(dir, 'data');

  try {
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '-N',
    ]);
    const port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start']);
    return serverHandle({ dir, data, port, exec });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function serverHandle(options: {
  dir: string;
  data: string;
  port: number;
  exec: (program: string, args: string[]) => Promise<void>;
}): PostgresServer {
  const { dir, data, port, exec } = options;
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;

  return {
    port,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlOf('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    },
    async stop() {
      try {
        await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function runAs(asRoot: boolean, program: string, args: string[]): Promise<void> {
  const [command, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', program, ...args]]
    : [program, args];

  try {
    await run(command, argv, { cwd: tmpdir() });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${program} failed: ${stderr ?? ''}${stdout ?? ''}`.trim(), { cause: error });
  }
}

async function handToPostgresUser(dir: string): Promise<void> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  chownSync(dir, uid, gid);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
