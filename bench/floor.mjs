// The floor: the loop a careful engineer would write by hand to copy every survey response of a
// site into SQLite, with nothing else in it (no retries, no rate budget, no state, no schema
// tracking beyond adding a column for a new field). The product is measured against it.
//
// undici `request`, `JSON.parse`, better-sqlite3 (WAL, synchronous=NORMAL), one prepared upsert per
// record (every top-level field; nested values as JSON text), one transaction per page; surveys one
// after another, pages one after another; one token from the form-encoded token endpoint.
//
// Usage: HJ_ID=… HJ_SECRET=… node bench/floor.mjs --url URL --site-id ID --db PATH [--table T]
// Prints one JSON line: {"records", "pages", "requests", "duration_ms"}.
/* global process, URLSearchParams, performance */
import { parseArgs } from 'node:util';

import Database from 'better-sqlite3';
import { request } from 'undici';

const PAGE_SIZE = 100;

const { values: options } = parseArgs({
  options: {
    url: { type: 'string' },
    'site-id': { type: 'string' },
    db: { type: 'string' },
    table: { type: 'string', default: 'responses' },
  },
});

async function getJson(url, init) {
  const response = await request(url, init);
  const text = await response.body.text();
  if (response.statusCode !== 200) {
    throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.statusCode}`);
  }
  return JSON.parse(text);
}

async function fetchToken(baseUrl) {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: process.env.HJ_ID ?? '',
    client_secret: process.env.HJ_SECRET ?? '',
  }).toString();
  const token = await getJson(`${baseUrl}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return token.access_token;
}

/** Yields the `results` of every page of a cursor-paginated list, one page at a time. */
async function* pages(url, headers) {
  let cursor = null;
  do {
    const page = await getJson(cursor ? `${url}&cursor=${encodeURIComponent(cursor)}` : url, {
      headers,
    });
    yield page.results;
    cursor = page.next_cursor;
  } while (cursor);
}

const quote = (name) => `"${name.replaceAll('"', '""')}"`;
const toSql = (value) =>
  value === null || value === undefined
    ? null
    : typeof value === 'object'
      ? JSON.stringify(value)
      : typeof value === 'boolean'
        ? Number(value)
        : value;

/** A table with one column per top-level field, keyed by `id`, and its prepared upsert. */
class Table {
  constructor(db, name) {
    this.db = db;
    this.name = name;
    this.columns = [];
    this.known = new Set();
    this.upsert = null;
  }

  /** Adds a column for every field of the page not seen yet (creates the table the first time). */
  cover(records) {
    const fresh = [];
    for (const record of records) {
      for (const key of Object.keys(record)) {
        if (!this.known.has(key)) {
          this.known.add(key);
          fresh.push(key);
        }
      }
    }
    if (fresh.length === 0) return;

    if (this.columns.length === 0) {
      const list = fresh.map((c) => (c === 'id' ? `${quote(c)} PRIMARY KEY` : quote(c)));
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${quote(this.name)} (${list.join(', ')})`);
    } else {
      for (const c of fresh) this.db.exec(`ALTER TABLE ${quote(this.name)} ADD COLUMN ${quote(c)}`);
    }
    this.columns.push(...fresh);
    this.prepare();
  }

  prepare() {
    const names = this.columns.map(quote).join(', ');
    const marks = this.columns.map(() => '?').join(', ');
    const updates = this.columns
      .filter((c) => c !== 'id')
      .map((c) => `${quote(c)} = excluded.${quote(c)}`)
      .join(', ');
    this.upsert = this.db.prepare(
      `INSERT INTO ${quote(this.name)} (${names}) VALUES (${marks}) ` +
        `ON CONFLICT(id) DO UPDATE SET ${updates}`,
    );
  }

  write(record) {
    this.upsert.run(this.columns.map((c) => toSql(record[c])));
  }
}

async function main() {
  const started = performance.now();
  const db = new Database(options.db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const table = new Table(db, options.table);
  const writePage = db.transaction((records) => {
    for (const record of records) table.write(record);
  });

  const token = await fetchToken(options.url);
  const headers = { authorization: `Bearer ${token}` };
  const site = `${options.url}/v1/sites/${options['site-id']}/surveys`;
  let requests = 1;
  let records = 0;
  let pageCount = 0;

  for await (const surveys of pages(`${site}?limit=${PAGE_SIZE}`, headers)) {
    requests += 1;
    for (const survey of surveys) {
      const url = `${site}/${survey.id}/responses?limit=${PAGE_SIZE}`;
      for await (const responses of pages(url, headers)) {
        requests += 1;
        pageCount += 1;
        table.cover(responses);
        writePage(responses);
        records += responses.length;
      }
    }
  }

  db.close();
  const duration = Math.round(performance.now() - started);
  process.stdout.write(
    `${JSON.stringify({ records, pages: pageCount, requests, duration_ms: duration })}\n`,
  );
}

await main();
