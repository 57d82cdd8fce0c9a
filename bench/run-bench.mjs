// `npm run bench`: every scenario, a table on stdout, and bench/results/latest.json with the
// machine's facts. `--quick` is a smaller smoke run (about a minute); `--only=a,b` runs some
// scenarios (throughput, memory, rate-limit, latency, test-button, emulator). Progress goes to
// stderr; `--pairs=N` sets the product/floor pairs of the throughput scenario (default 3, at least
// 3). No scenario asserts anything about wall-clock time: targets are reported, not enforced.
/* global process */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

import { loadAverage, machineFacts } from './lib/machine.mjs';
import { PARTIAL_RESULTS, RESULTS } from './lib/paths.mjs';
import { formatTable } from './lib/print-table.mjs';
import { emulatorLoad } from './scenarios/emulator-load.mjs';
import { latency } from './scenarios/latency.mjs';
import { memory } from './scenarios/memory.mjs';
import { rateLimit } from './scenarios/rate-limit.mjs';
import { testButton } from './scenarios/test-button.mjs';
import { throughput } from './scenarios/throughput.mjs';

const SCENARIOS = {
  throughput,
  memory,
  'rate-limit': rateLimit,
  latency,
  'test-button': testButton,
  emulator: emulatorLoad,
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    pairs: { type: 'string', default: '3' },
  },
});
const names = values.only ? values.only.split(',') : Object.keys(SCENARIOS);
const unknown = names.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}\n`);
  process.exit(2);
}

const pairs = Math.max(3, Number(values.pairs) || 3);
const log = (message) => process.stderr.write(`${message}\n`);
const machine = machineFacts();
const mode = values.quick ? ' (quick)' : '';
const cpu = `${machine.cpu_model}, ${machine.cores} cores`;
log(`hotjar-flow bench${mode}: ${cpu}, Node ${machine.node}, load ${machine.load_average_1m}`);

// TODO(#5): nothing isolates the measured processes from other work on the host (no core pinning,
// no wait for a quiet machine); on a shared host, figures move by tens of percent between runs.
const started = Date.now();
const scenarios = {};
const rows = [];
for (const name of names) {
  const result = await SCENARIOS[name]({ quick: values.quick, pairs, log });
  scenarios[name] = result.details;
  rows.push(...result.rows);
}

const report = {
  mode: values.quick ? 'quick' : 'full',
  only: values.only ? names : null,
  machine,
  duration_s: Math.round((Date.now() - started) / 1000),
  load_average_1m_at_end: loadAverage(),
  rows,
  scenarios,
};
const file = values.only ? PARTIAL_RESULTS : RESULTS;
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${formatTable(rows)}\n`);
log(`written: ${file}`);
