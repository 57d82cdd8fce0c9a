// Reads a V8 CPU profile (`node --cpu-prof …`) and prints where the time went: the functions
// with the most self time, and the same summed per source file, so a slow spot can be named
// precisely (file, function, share of the run). Also the inclusive time (self + callees) of the
// functions of dist/, which shows whole steps such as parsing a page or writing a batch.
// Usage: node bench/profile-top.mjs FILE.cpuprofile [rows=25]
/* global process */
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/profile-top.mjs FILE.cpuprofile [rows]\n');
  process.exit(2);
}
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

/** Microseconds of self time per node id, from the sample stream. */
function selfTimes() {
  const times = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i += 1) {
    times.set(samples[i], (times.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  }
  return times;
}

function shortUrl(url) {
  if (!url) return '(native)';
  const at = url.search(/\/(dist|node_modules|bench)\//);
  return at >= 0 ? url.slice(at + 1) : url.replace(/^file:\/\//, '');
}

function addTo(map, key, value) {
  map.set(key, (map.get(key) ?? 0) + value);
}

const times = selfTimes();
const total = [...times.values()].reduce((sum, value) => sum + value, 0);
const byFunction = new Map();
const byFile = new Map();
for (const node of profile.nodes) {
  const time = times.get(node.id) ?? 0;
  if (time === 0) continue;
  const frame = node.callFrame;
  const where = `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  addTo(byFunction, `${frame.functionName || '(anonymous)'}  ${where}`, time);
  addTo(byFile, shortUrl(frame.url), time);
}

function print(title, map) {
  process.stdout.write(`\n${title} (total ${(total / 1e6).toFixed(2)} s sampled)\n`);
  const sorted = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, rows);
  for (const [name, time] of sorted) {
    const share = ((100 * time) / total).toFixed(1).padStart(5);
    process.stdout.write(`${share} %  ${(time / 1e3).toFixed(0).padStart(7)} ms  ${name}\n`);
  }
}

/** Inclusive time per dist/ function: each node's subtree once, recursion counted once per stack. */
function inclusiveTimes() {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  const walk = (node, open) => {
    let sum = times.get(node.id) ?? 0;
    const frame = node.callFrame;
    const key = `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const counted = open.has(key);
    if (!counted) open.add(key);
    for (const child of node.children ?? []) sum += walk(byId.get(child), open);
    if (!counted) {
      open.delete(key);
      if (shortUrl(frame.url).startsWith('dist/')) addTo(totals, key, sum);
    }
    return sum;
  };
  walk(profile.nodes[0], new Set());
  return totals;
}

print('Self time by function', byFunction);
print('Self time by file', byFile);
print('Inclusive time of our functions (dist/)', inclusiveTimes());
