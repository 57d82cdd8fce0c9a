// The harness's own arithmetic: `node --test bench/`. (No timing here: only the computations
// that turn measurements into the reported figures.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { median } from './numbers.mjs';
import { formatTable } from './print-table.mjs';
import { busiestMinute, steadyRate } from './request-rate.mjs';
import { row } from './row.mjs';

test('the median of an even list is the mean of its middle values', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5, 1, 3]), 3);
});

test('a row meets an upper target at the limit and misses it above', () => {
  const at = row({ scenario: 's', metric: 'm', value: 200, target: { op: '<=', limit: 200 } });
  const above = row({ scenario: 's', metric: 'm', value: 200.5, target: { op: '<=', limit: 200 } });
  assert.equal(at.met, true);
  assert.equal(above.met, false);
  assert.equal(above.target, '≤ 200');
});

test('a row without a target or without a value is neither met nor missed', () => {
  assert.equal(row({ scenario: 's', metric: 'm', value: 3 }).met, null);
  const missing = row({ scenario: 's', metric: 'm', value: null, target: { op: '>=', limit: 1 } });
  assert.equal(missing.met, null);
});

test('the steady rate counts between the first and the last sample that saw requests', () => {
  const samples = [
    { t: 0, requests: 0 },
    { t: 1_000, requests: 10 },
    { t: 31_000, requests: 310 },
    { t: 61_000, requests: 610 },
    { t: 62_000, requests: 610 },
  ];
  assert.equal(steadyRate(samples), 600);
});

test('the steady rate is unknown when the counter moved in fewer than two samples', () => {
  assert.equal(steadyRate([{ t: 0, requests: 0 }]), null);
  assert.equal(
    steadyRate([
      { t: 0, requests: 0 },
      { t: 250, requests: 802 },
    ]),
    null,
  );
});

test('the busiest minute is the largest growth within any 60-second span of samples', () => {
  const samples = [
    { t: 0, requests: 0 },
    { t: 30_000, requests: 600 },
    { t: 60_000, requests: 600 },
    { t: 90_000, requests: 800 },
  ];
  assert.equal(busiestMinute(samples), 600);
});

test('the table marks a missed target loudly and an information row not at all', () => {
  const text = formatTable([
    row({ scenario: 'a', metric: 'ratio', value: 0.8, target: { op: '>=', limit: 1 } }),
    row({ scenario: 'b', metric: 'rss', value: 12.5, unit: 'MB' }),
  ]);
  const [, , missed, info] = text.split('\n');
  assert.match(missed, /\| 0\.8 +\| ≥ 1 +\| NO +\|$/);
  assert.match(info, /\| 12\.5 MB \|/);
  assert.doesNotMatch(info, /yes|NO/);
});
