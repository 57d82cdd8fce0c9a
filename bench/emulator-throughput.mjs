// Emulator throughput. The emulator runs in a child process (the compiled CLI, one event loop);
// this process sends keep-alive GET requests for pages of 100 responses from concurrent loops
// (undici). Two phases: every loop pages the same survey from the top (records come from the
// emulator's serialized-record cache), then every loop pages its own survey (each record is
// generated on demand). Besides wall-clock requests/s, it reads the emulator's CPU time from
// /proc (Linux), which says what one dedicated core sustains when the client runs elsewhere.
// Usage: node bench/emulator-throughput.mjs [seconds-per-phase=5] [concurrency=8]
// Needs `npm run build` first.
/* global process, URL, URLSearchParams, performance, Buffer */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { Agent, request } from 'undici';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 8);
const root = fileURLToPath(new URL('..', import.meta.url));
const args = ['--rate-limit', 'off', '--responses', '100000', '--surveys', String(concurrency)];

const child = spawn(process.execPath, ['bin/hotjar-flow.js', 'emulator', '--port', '0', ...args], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'ignore'],
});
const line = await new Promise((resolve) =>
  createInterface({ input: child.stdout }).once('line', resolve),
);
const connection = JSON.parse(line);
const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });

/** CPU milliseconds (user + system) the emulator process has used, or null off Linux. */
function serverCpuMs() {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function json(url, init = {}) {
  const response = await request(url, { dispatcher, ...init });
  return response.body.json();
}

const token = await json(`${connection.url}/v1/oauth/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: connection.client_id,
    client_secret: connection.client_secret,
  }).toString(),
});
const headers = { authorization: `Bearer ${token.access_token}` };
const surveysUrl = `${connection.url}/v1/sites/${connection.site_id}/surveys`;
const surveys = (await json(`${surveysUrl}?limit=100`, { headers })).results;

async function phase(name, surveyFor) {
  let done = 0;
  let bytes = 0;
  let errors = 0;
  const cpuBefore = serverCpuMs();
  const started = performance.now();
  const deadline = started + seconds * 1000;

  async function loop(index) {
    const base = `${surveysUrl}/${surveyFor(index).id}/responses?limit=100`;
    let cursor = null;
    while (performance.now() < deadline) {
      const response = await request(cursor ? `${base}&cursor=${cursor}` : base, {
        dispatcher,
        headers,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) {
        errors += 1;
        cursor = null;
        continue;
      }

      done += 1;
      bytes += Buffer.byteLength(text);
      cursor = JSON.parse(text).next_cursor;
    }
  }

  await Promise.all(Array.from({ length: concurrency }, (_, index) => loop(index)));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = serverCpuMs();
  const cpuPerRequest = cpu === null || cpuBefore === null ? null : (cpu - cpuBefore) / done;
  return {
    phase: name,
    requests: done,
    errors,
    seconds: Number(elapsed.toFixed(2)),
    requests_per_second: Math.round(done / elapsed),
    average_page_bytes: Math.round(bytes / Math.max(done, 1)),
    server_cpu_ms_per_request: cpuPerRequest === null ? null : Number(cpuPerRequest.toFixed(3)),
    requests_per_server_cpu_second: cpuPerRequest ? Math.round(1000 / cpuPerRequest) : null,
  };
}

const results = [
  await phase('same survey, cached records', () => surveys[0]),
  await phase('own survey per loop, generated records', (index) => surveys[index % surveys.length]),
];
child.kill('SIGTERM');
await dispatcher.close();
for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
