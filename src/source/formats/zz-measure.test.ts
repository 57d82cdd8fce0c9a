import { it } from 'vitest';

import { parseRecords } from './parse-records.js';
import { chunksOf, collect } from './test-support/body-streams.js';

it('measures', async () => {
  const page = JSON.stringify({
    results: Array.from({ length: 100 }, (_, i) => ({
      id: 1_000_000 + i,
      created_time: '2024-05-01T12:00:00Z',
      respondent_id: `r-${i}`,
      answers: [{ question_id: 1, answer: 'Très bien, merci 😀 — the checkout flow was smooth'.repeat(2) }, { question_id: 2, answer: 5 }],
      tags: ['a', 'b'],
      device: 'desktop',
    })),
    next_cursor: 'abc',
  });
  const bytes = Buffer.from(page);
  const run = async (label: string, contentLength: number | undefined) => {
    for (let i = 0; i < 200; i++) await collect(parseRecords(chunksOf(bytes, 16384), { format: 'json', records: '$.results[*]', contentLength }));
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await collect(parseRecords(chunksOf(bytes, 16384), { format: 'json', records: '$.results[*]', contentLength }));
    const us = ((performance.now() - t0) / n) * 1000;
    console.info(`${label}: ${us.toFixed(0)} µs per page (${bytes.length} bytes, 100 records)`);
  };
  await run('fast path', bytes.length);
  await run('streaming', undefined);
  await run('fast path', bytes.length);
  await run('streaming', undefined);
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) JSON.parse(bytes.toString('utf8'));
  console.info(`bare JSON.parse: ${(((performance.now() - t0) / 2000) * 1000).toFixed(0)} µs`);
}, 120_000);
