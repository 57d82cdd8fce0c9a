import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

import { describe, expect, it } from 'vitest';

import { parseRecords } from './parse-records.js';
import { fetchBody, startBodyServer } from './test-support/body-streams.js';

const BODY_BYTES = 200 * 1024 * 1024;
const RSS_GROWTH_BUDGET = 100 * 1024 * 1024;

/** Writes `{"data": [ … ], "next_cursor": "end"}` of about `bytes` bytes, generated as it goes. */
async function writeBigBody(res: ServerResponse, bytes: number): Promise<number> {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"data": [');

  let written = 0;
  let id = 0;
  while (written < bytes) {
    const batch: string[] = [];
    for (let i = 0; i < 500; i += 1, id += 1) {
      const record = {
        id,
        big: `${9007199254740993n + BigInt(id)}`,
        text: `répondu 😀 ${'x'.repeat(120)}`,
        ok: true,
      };
      batch.push(JSON.stringify(record).replace(/"big":"(\d+)"/, '"big":$1'));
    }
    const chunk = (id > 500 ? ',' : '') + batch.join(',');
    written += Buffer.byteLength(chunk);
    if (!res.write(chunk)) await once(res, 'drain');
  }

  res.end('], "next_cursor": "end"}');
  return id;
}

describe('JSON streaming memory', () => {
  it('parses a 200 MB array of records with bounded memory growth', async () => {
    let sent = 0;
    const server = await startBodyServer(async (_req, res) => {
      sent = await writeBigBody(res, BODY_BYTES);
    });

    try {
      const before = process.memoryUsage().rss;
      let peak = before;
      let count = 0;
      let last: Record<string, unknown> | undefined;

      const response = await fetchBody(server.url);
      const parsed = parseRecords(response.body, {
        format: 'json',
        records: '$.data[*]',
        maxBytes: 512 * 1024 * 1024,
      });
      for await (const record of parsed) {
        count += 1;
        last = record;
        if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }

      const growth = peak - before;
      console.info(
        `200 MB JSON: ${count} records, RSS ${mib(before)} → peak ${mib(peak)} (+${mib(growth)})`,
      );
      expect(count).toBe(sent);
      expect(last?.['big']).toBe(9007199254740993n + BigInt(sent - 1));
      expect(parsed.envelope()).toEqual({ data: [], next_cursor: 'end' });
      expect(growth).toBeLessThan(RSS_GROWTH_BUDGET);
    } finally {
      await server.close();
    }
  }, 180_000);
});

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
