/**
 * Finished list pages by key, bounded by bytes, oldest evicted first. Generating a page of 100
 * realistic responses costs milliseconds of CPU; a benchmark reads the same pages again and again
 * (warm-up, product, floor), and the emulator must never be what a benchmark measures.
 */
export class PageCache<T extends { bytes: number }> {
  private readonly entries = new Map<string, T>();
  private totalBytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: T): void {
    if (value.bytes > this.maxBytes || this.entries.has(key)) return;

    this.entries.set(key, value);
    this.totalBytes += value.bytes;
    for (const [oldKey, old] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.totalBytes -= old.bytes;
    }
  }
}
