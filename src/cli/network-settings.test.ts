import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../engine/test-support/run-against-emulator.js';
import { runCli } from './test-support/cli-process.js';

/** Proxies and private certificate authorities, as a user behind a corporate network has them. */
let dir: string;
const servers: Server[] = [];

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function flowFile(url: string): string {
  const file = join(dir, `flow-${servers.length}.yaml`);
  const out = join(dir, `out-${servers.length}.jsonl`);
  writeFileSync(
    file,
    `version: 1\nname: net\nsource: { type: rest, request: { url: "${url}" } }\ndestination: { type: jsonl, path: "${out}", write: replace }\n`,
  );
  return file;
}

beforeAll(() => {
  dir = tempDir('hf-net-');
});

afterAll(() => {
  for (const server of servers) server.close();
});

describe('HTTP_PROXY and NO_PROXY', () => {
  it('sends requests through the proxy, except to hosts NO_PROXY names', async () => {
    const tunnelled: string[] = [];
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, socket, head) => {
      tunnelled.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(
        Number(port),
        host === 'localhost' ? '127.0.0.1' : (host ?? ''),
        () => {
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(socket);
          socket.pipe(upstream);
        },
      );
      upstream.on('error', () => socket.destroy());
    });
    const proxyPort = await listen(proxy);
    const apiPort = await listen(
      createServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":1}]'),
      ),
    );
    const file = flowFile(`http://localhost:${apiPort}/items`);

    const proxied = await runCli(['run', file, '--data-dir', join(dir, 'd1')], {
      env: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '' },
    });
    expect(proxied.code, proxied.stderr).toBe(0);
    expect(tunnelled).toEqual([`localhost:${apiPort}`]);

    const direct = await runCli(['run', file, '--data-dir', join(dir, 'd2')], {
      env: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: 'localhost' },
    });
    expect(direct.code, direct.stderr).toBe(0);
    expect(tunnelled).toHaveLength(1);
  });
});

describe('extra CA certificates', () => {
  it('trusts a private CA named by NODE_EXTRA_CA_CERTS and refuses it otherwise', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":1}]'),
    );
    const port = await listen(server);
    const file = flowFile(`https://localhost:${port}/items`);

    const refused = await runCli(['run', file, '--json', '--data-dir', join(dir, 'd3')], {
      env: { NODE_EXTRA_CA_CERTS: '' },
    });
    expect(refused.code).toBe(1);
    expect((JSON.parse(refused.stdout) as { error: { message: string } }).error.message).toMatch(
      /certificate|self.signed/i,
    );

    const trusted = await runCli(['run', file, '--json', '--data-dir', join(dir, 'd4')], {
      env: { NODE_EXTRA_CA_CERTS: cert },
    });
    expect(trusted.code, trusted.stderr).toBe(0);
  });
});
