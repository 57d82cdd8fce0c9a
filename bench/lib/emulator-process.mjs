// The emulator as a separate process (the compiled CLI), so that the product and the server never
// share an event loop. Resolves once its first stdout line (the connection JSON) has arrived.
/* global process */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { request } from 'undici';

import { ROOT } from './paths.mjs';

/**
 * Starts `hotjar-flow emulator --port 0` with the given data size and limits.
 * @param {{surveys: number, responses: number, rateLimit?: number | 'off', latencyMs?: number}} o
 *   rateLimit defaults to 'off', latencyMs to 0.
 * @returns {Promise<{info: object, pid: number, stats: () => Promise<object>, close: () => Promise<void>}>}
 */
export async function startEmulator(o) {
  const args = ['bin/hotjar-flow.js', 'emulator', '--port', '0'];
  args.push('--surveys', String(o.surveys), '--responses', String(o.responses));
  args.push('--rate-limit', String(o.rateLimit ?? 'off'));
  if (o.latencyMs) args.push('--latency-ms', String(o.latencyMs));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });

  const exited = new Promise((resolve) => child.once('exit', resolve));
  const line = await Promise.race([
    new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve)),
    exited.then((code) => Promise.reject(new Error(`emulator exited with ${code}`))),
  ]);
  const info = JSON.parse(line);

  return {
    info,
    pid: child.pid,
    stats: async () => (await request(`${info.url}/__emulator/stats`)).body.json(),
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
