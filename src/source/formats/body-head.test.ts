import { describe, expect, it } from 'vitest';

import { BODY_HEAD_BYTES, BodyHead } from './body-head.js';
import { chunksOf, collect } from './test-support/body-streams.js';

describe('BodyHead', () => {
  it('keeps only the first kilobyte of a stream it passes through unchanged', async () => {
    const body = Buffer.from('<html>' + 'abcdefgh'.repeat(1000));
    const head = new BodyHead();

    const passed = Buffer.concat(await collect(head.tap(chunksOf(body, 300))));

    expect(passed).toEqual(body);
    expect(head.bytes()).toEqual(body.subarray(0, BODY_HEAD_BYTES));
  });

  it('previews the start on one line of at most 200 characters', () => {
    const head = new BodyHead();
    head.add(Buffer.from('<!DOCTYPE html>\n\n<html>\n  <body>' + 'x'.repeat(900)));

    const preview = head.preview();

    expect(preview.startsWith('<!DOCTYPE html> <html> <body>xxx')).toBe(true);
    expect([...preview].length).toBe(200);
  });
});
