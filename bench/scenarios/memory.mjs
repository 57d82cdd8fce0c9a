// Scenario 2: memory and growth. The product streams pages into SQLite, so its peak memory must
// not grow with the data, and its cost per record must stay flat: the same flow over 10 surveys of
// 1,000, 10,000 and 100,000 responses (10k, 100k, 1M records). Every size reads a freshly started
// emulator once (no warm-up), so every size sees the same cold server.
// TODO(#5): no floor run per size, so records/s here mixes the product's cost with the emulator's
// cost of generating uncached pages.
import { startEmulator } from '../lib/emulator-process.mjs';
import { perSecond, round } from '../lib/numbers.mjs';
import { row } from '../lib/row.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

const SCENARIO = '2 memory';
const SURVEYS = 10;

async function measureSize(responses) {
  const emulator = await startEmulator({ surveys: SURVEYS, responses, rateLimit: 'off' });
  const workspace = createWorkspace({ info: emulator.info, concurrency: 8 });
  try {
    const run = await workspace.runProduct();
    return {
      records: run.records,
      wall_ms: round(run.wallMs),
      records_per_s: round(perSecond(run.records, run.wallMs)),
      peak_rss_mb: run.peakRssMb === null ? null : round(run.peakRssMb, 1),
    };
  } finally {
    workspace.remove();
    await emulator.close();
  }
}

/** @param {{quick: boolean, log: (message: string) => void}} o */
export async function memory({ quick, log }) {
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const results = [];
  for (const responses of sizes) {
    log(`${SCENARIO}: ${SURVEYS} × ${responses}`);
    const result = await measureSize(responses);
    log(
      `  ${result.records} records: ${result.records_per_s}/s, peak RSS ${result.peak_rss_mb} MB`,
    );
    results.push(result);
  }

  const rows = results.flatMap((r) => [
    row({
      scenario: SCENARIO,
      metric: `records/s at ${r.records}`,
      value: r.records_per_s,
      unit: '/s',
    }),
    row({
      scenario: SCENARIO,
      metric: `peak RSS at ${r.records}`,
      value: r.peak_rss_mb,
      unit: 'MB',
    }),
  ]);
  const largest = results.at(-1);
  const hundredK = results.find((r) => r.records === 100_000);
  rows.push(
    row({
      scenario: SCENARIO,
      metric: `peak RSS, largest run${quick ? ' (quick: no 1M run)' : ''}`,
      value: largest.peak_rss_mb,
      unit: 'MB',
      target: { op: '<=', limit: 200 },
    }),
  );
  if (!quick && hundredK && largest.peak_rss_mb !== null && hundredK.peak_rss_mb !== null) {
    rows.push(
      row({
        scenario: SCENARIO,
        metric: 'peak RSS at 1M ÷ at 100k',
        value: round(largest.peak_rss_mb / hundredK.peak_rss_mb, 2),
        target: { op: '<=', limit: 1.3 },
      }),
    );
  }
  return { details: { surveys: SURVEYS, sizes: results }, rows };
}
