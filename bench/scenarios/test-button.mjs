// Scenario 5: the Test button from a cold start, as a user at a terminal sees it: `hotjar-flow
// test flow.yaml` from process spawn to exit (Node start, module loading, token, first page,
// schema inference), against the local emulator. Median of 5 runs.
import { startEmulator } from '../lib/emulator-process.mjs';
import { median, round } from '../lib/numbers.mjs';
import { row } from '../lib/row.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

const SCENARIO = '5 test button';
const RUNS = 5;

/** @param {{quick: boolean, log: (message: string) => void}} o */
export async function testButton({ log }) {
  log(`${SCENARIO}: ${RUNS} cold starts`);
  const emulator = await startEmulator({ surveys: 5, responses: 1_000, rateLimit: 'off' });
  const workspace = createWorkspace({ info: emulator.info });
  try {
    const times = [];
    for (let i = 0; i < RUNS; i += 1) {
      const run = await workspace.runTestButton();
      if (!JSON.stringify(run.result).includes('"id"'))
        throw new Error('test button returned no sample');
      times.push(run.wallMs);
    }
    log(`  ${times.map((t) => round(t)).join(', ')} ms`);
    return {
      details: { runs_ms: times.map((t) => round(t)) },
      rows: [
        row({
          scenario: SCENARIO,
          metric: `spawn to exit, median of ${RUNS}`,
          value: round(median(times) / 1000, 3),
          unit: 's',
          target: { op: '<=', limit: 1.5 },
        }),
      ],
    };
  } finally {
    workspace.remove();
    await emulator.close();
  }
}
