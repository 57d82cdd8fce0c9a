// The emulator alone: how many requests per second it answers for pages of 100 responses, under a
// load from this (separate) process: undici with keep-alive, 16 requests in flight, each loop
// paging its own survey and starting over at the end. The emulator's CPU time (from /proc) says
// whether it ran at one full core.
// TODO(#5): the load generator's own CPU use is not reported, so a client-bound figure cannot be
// told from a server-bound one except by the emulator's CPU share.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { Agent, request } from 'undici';

import { startEmulator } from '../lib/emulator-process.mjs';
import { round } from '../lib/numbers.mjs';
import { row } from '../lib/row.mjs';

const SCENARIO = 'emulator alone';
const IN_FLIGHT = 16;

/** CPU seconds (user + system) a process has used, or null without /proc. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function getJson(url, options) {
  const response = await request(url, options);
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
  return JSON.parse(text);
}

async function load({ info, seconds, dispatcher }) {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: info.client_id,
    client_secret: info.client_secret,
  });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const token = await getJson(`${info.url}/v1/oauth/token`, {
    method: 'POST',
    headers: form,
    body: body.toString(),
    dispatcher,
  });
  const headers = { authorization: `Bearer ${token.access_token}` };
  const site = `${info.url}/v1/sites/${info.site_id}/surveys`;
  const surveys = (await getJson(`${site}?limit=100`, { headers, dispatcher })).results;

  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  async function loop(index) {
    const base = `${site}/${surveys[index % surveys.length].id}/responses?limit=100`;
    let cursor = null;
    while (performance.now() < deadline) {
      const page = await getJson(cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base, {
        headers,
        dispatcher,
      });
      done += 1;
      cursor = page.next_cursor;
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, index) => loop(index)));
  return done;
}

/** @param {{quick: boolean, log: (message: string) => void}} o */
export async function emulatorLoad({ quick, log }) {
  const seconds = quick ? 3 : 15;
  log(`${SCENARIO}: ${IN_FLIGHT} in flight for ${seconds} s`);
  const emulator = await startEmulator({ surveys: IN_FLIGHT, responses: 10_000, rateLimit: 'off' });
  const dispatcher = new Agent({ connections: IN_FLIGHT, keepAliveTimeout: 30_000 });
  try {
    const cpuBefore = cpuSeconds(emulator.pid);
    const started = performance.now();
    const requests = await load({ info: emulator.info, seconds, dispatcher });
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(emulator.pid);
    const cpuShare = cpu === null || cpuBefore === null ? null : (cpu - cpuBefore) / elapsed;
    log(`  ${requests} requests in ${round(elapsed, 1)} s`);
    return {
      details: {
        seconds: round(elapsed, 2),
        requests,
        in_flight: IN_FLIGHT,
        emulator_cpu_cores: cpuShare,
      },
      rows: [
        row({
          scenario: SCENARIO,
          metric: 'requests/s, pages of 100',
          value: round(requests / elapsed),
          unit: '/s',
        }),
        row({
          scenario: SCENARIO,
          metric: 'emulator CPU used (cores)',
          value: cpuShare === null ? null : round(cpuShare, 2),
        }),
      ],
    };
  } finally {
    await dispatcher.close();
    await emulator.close();
  }
}
