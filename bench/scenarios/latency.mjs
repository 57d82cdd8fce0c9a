// Scenario 4: one survey behind a slow server. Pages of one survey must be read one after another
// (each cursor comes from the previous page), so the best possible time is pages × latency; the
// product's overhead per page shows as the excess. Timed from spawn to exit. The floor runs the
// same survey on a second emulator. Each emulator is read once before the measured run (by the
// floor), so its pages are cached and the server's own cost of generating records is not
// charged to either client; what remains beyond pages × latency is the client's work per page.
import { startEmulator } from '../lib/emulator-process.mjs';
import { round } from '../lib/numbers.mjs';
import { row } from '../lib/row.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

const SCENARIO = '4 latency-bound';
const LATENCY_MS = 100;
const PAGE_SIZE = 100;

/** @param {{quick: boolean, log: (message: string) => void}} o */
export async function latency({ quick, log }) {
  const responses = quick ? 5_000 : 20_000;
  const pages = responses / PAGE_SIZE;
  log(`${SCENARIO}: 1 × ${responses} at ${LATENCY_MS} ms`);
  const ideal = pages * LATENCY_MS;
  const product = await onFreshEmulator(responses, (workspace) => workspace.runProduct());
  const floor = await onFreshEmulator(responses, (workspace) => workspace.runFloor());
  log(`  product ${round(product.wallMs)} ms, floor ${round(floor.wallMs)} ms (ideal ${ideal} ms)`);
  return {
    details: {
      responses,
      pages,
      latency_ms: LATENCY_MS,
      product_wall_ms: round(product.wallMs),
      product_run_duration_ms: product.summary.duration_ms,
      floor_wall_ms: round(floor.wallMs),
    },
    rows: [
      row({
        scenario: SCENARIO,
        metric: `product wall time, ${pages} pages`,
        value: round(product.wallMs),
        unit: 'ms',
      }),
      row({
        scenario: SCENARIO,
        metric: 'floor ÷ (pages × latency), for reference',
        value: round(floor.wallMs / ideal, 3),
      }),
      row({
        scenario: SCENARIO,
        metric: 'product ÷ (pages × latency)',
        value: round(product.wallMs / ideal, 3),
        target: { op: '<=', limit: 1.1 },
      }),
    ],
  };
}

async function onFreshEmulator(responses, run) {
  const emulator = await startEmulator({
    surveys: 1,
    responses,
    rateLimit: 'off',
    latencyMs: LATENCY_MS,
  });
  const workspace = createWorkspace({ info: emulator.info, concurrency: 8 });
  try {
    await workspace.runFloor();
    return await run(workspace);
  } finally {
    workspace.remove();
    await emulator.close();
  }
}
