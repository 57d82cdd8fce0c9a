import type { RunSummary } from '../engine/run-summary.js';

/** A single progress line on a terminal's stderr, redrawn at most 10 times a second. */
export class ProgressLine {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean }) {}

  update(summary: RunSummary): void {
    if (this.stream.isTTY !== true) return;

    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;

    const c = summary.counts;
    this.stream.write(
      `\r\u001b[2K${summary.flow}: ${c.pages} pages · ${c.records_read} read · ${c.records_written} written · ${c.requests} requests`,
    );
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[2K');
  }
}
