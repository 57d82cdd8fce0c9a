// Scenario 1: how fast the product copies responses into SQLite compared with the floor (the
// hand-written loop), with no rate limit and no latency, so only client CPU and the local
// server count. Product and floor alternate against the same emulator, after one warm-up each,
// so both see the same server state (its page cache) and the same machine conditions.
import { startEmulator } from '../lib/emulator-process.mjs';
import { median, perSecond, round } from '../lib/numbers.mjs';
import { row } from '../lib/row.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

const SCENARIO = '1 throughput';

/** @param {{quick: boolean, pairs: number, log: (message: string) => void}} o */
export async function throughput({ quick, pairs, log }) {
  const shape = quick ? { surveys: 4, responses: 2_500 } : { surveys: 20, responses: 10_000 };
  const emulator = await startEmulator({ ...shape, rateLimit: 'off' });
  const workspace = createWorkspace({ info: emulator.info, concurrency: 8 });
  try {
    log(`${SCENARIO}: ${shape.surveys} × ${shape.responses}, warm-up`);
    await workspace.runProduct();
    await workspace.runFloor();

    const product = [];
    const floor = [];
    for (let pair = 1; pair <= pairs; pair += 1) {
      const p = await workspace.runProduct();
      const f = await workspace.runFloor();
      product.push(perSecond(p.records, p.wallMs));
      floor.push(perSecond(f.records, f.wallMs));
      log(`  pair ${pair}: product ${round(product.at(-1))}/s, floor ${round(floor.at(-1))}/s`);
    }

    const ratios = product.map((value, index) => value / floor[index]);
    const records = shape.surveys * shape.responses;
    return {
      details: {
        shape,
        records,
        pairs,
        product_records_per_s: product,
        floor_records_per_s: floor,
        ratios,
      },
      rows: [
        row({
          scenario: SCENARIO,
          metric: `product records/s (${records} records)`,
          value: round(median(product)),
          unit: '/s',
        }),
        row({
          scenario: SCENARIO,
          metric: 'floor records/s',
          value: round(median(floor)),
          unit: '/s',
        }),
        row({
          scenario: SCENARIO,
          metric: 'product ÷ floor (median of pair ratios; aim 1.5)',
          value: round(median(ratios), 2),
          target: { op: '>=', limit: 1.0 },
        }),
      ],
    };
  } finally {
    workspace.remove();
    await emulator.close();
  }
}
