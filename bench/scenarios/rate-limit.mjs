// Scenario 3: how much of an upstream rate limit the product uses without ever being refused.
// The emulator enforces N requests in any 60-second window per client address and adds latency;
// the flow declares the same limit. We poll the emulator's request counter every 250 ms and
// compute requests per minute over the steady part (first request seen to last request seen), and
// count the 429s. A run must last well over 60 s, or the window never binds.
import { performance } from 'node:perf_hooks';

import { startEmulator } from '../lib/emulator-process.mjs';
import { round } from '../lib/numbers.mjs';
import { row } from '../lib/row.mjs';
import { busiestMinute, steadyRate } from '../lib/request-rate.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

const SCENARIO = '3 rate limit';
const POLL_MS = 250;

const FULL = [
  { limit: 600, latencyMs: 100, surveys: 40, responses: 2_000, concurrency: 8, target: 0.95 },
  { limit: 3000, latencyMs: 150, surveys: 40, responses: 10_000, concurrency: 16, target: 0.9 },
];
const QUICK = [
  { limit: 600, latencyMs: 100, surveys: 40, responses: 1_400, concurrency: 8, target: 0.95 },
];

/** Polls the emulator's request counter until `done` settles; returns [{t, requests}]. */
async function pollWhile(emulator, done) {
  const samples = [];
  let finished = false;
  done.finally(() => (finished = true)).catch(() => {});
  while (!finished) {
    const stats = await emulator.stats();
    samples.push({ t: performance.now(), requests: stats.requests });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return samples;
}

async function measure(config, quick) {
  const emulator = await startEmulator({
    surveys: config.surveys,
    responses: config.responses,
    rateLimit: config.limit,
    latencyMs: config.latencyMs,
  });
  const workspace = createWorkspace({
    info: emulator.info,
    rateLimit: config.limit,
    concurrency: config.concurrency,
  });
  try {
    const run = workspace.runProduct();
    const samples = await pollWhile(emulator, run);
    const result = await run;
    const stats = await emulator.stats();
    const rate = steadyRate(samples);
    return {
      ...config,
      quick,
      wall_ms: round(result.wallMs),
      requests: stats.requests,
      rejected_429: stats.by_status?.['429'] ?? 0,
      steady_requests_per_minute: rate === null ? null : round(rate, 1),
      busiest_60s_window: busiestMinute(samples),
    };
  } finally {
    workspace.remove();
    await emulator.close();
  }
}

function rowsFor(m) {
  const name = `${SCENARIO} ${m.limit}/min, ${m.latencyMs} ms`;
  const ratio =
    m.steady_requests_per_minute === null ? null : m.steady_requests_per_minute / m.limit;
  return [
    row({
      scenario: name,
      metric: `requests (run ${round(m.wall_ms / 1000, 1)} s)`,
      value: m.requests,
    }),
    row({
      scenario: name,
      metric: 'steady requests/min',
      value: m.steady_requests_per_minute,
      unit: '/min',
    }),
    row({ scenario: name, metric: 'busiest 60-s window (requests)', value: m.busiest_60s_window }),
    row({
      scenario: name,
      metric: m.quick
        ? 'requests/min ÷ limit (quick: run shorter than the window)'
        : 'requests/min ÷ limit',
      value: ratio === null ? null : round(ratio, 3),
      ...(m.quick ? {} : { target: { op: '>=', limit: m.target } }),
    }),
    row({
      scenario: name,
      metric: '429 answers',
      value: m.rejected_429,
      target: { op: '<=', limit: 0 },
    }),
  ];
}

/** @param {{quick: boolean, log: (message: string) => void}} o */
export async function rateLimit({ quick, log }) {
  const measured = [];
  for (const config of quick ? QUICK : FULL) {
    log(
      `${SCENARIO}: ${config.limit}/min, ${config.latencyMs} ms, ${config.surveys} × ${config.responses}`,
    );
    const m = await measure(config, quick);
    log(
      `  ${m.requests} requests in ${round(m.wall_ms / 1000, 1)} s, ${m.steady_requests_per_minute}/min, ${m.rejected_429} × 429`,
    );
    measured.push(m);
  }
  return { details: { runs: measured }, rows: measured.flatMap(rowsFor) };
}
