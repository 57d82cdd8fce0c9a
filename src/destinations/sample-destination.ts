import type { Destination, FlowRecord, WriteBatch, WriteResult } from './destination.js';

/** Keeps the first records in memory and writes nothing: what the Test button reads into. */
export class SampleDestination implements Destination {
  readonly samples: FlowRecord[] = [];

  constructor(private readonly limit: number) {}

  open(): Promise<void> {
    return Promise.resolve();
  }

  readState(): Promise<Map<string, unknown>> {
    return Promise.resolve(new Map<string, unknown>());
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    const room = Math.max(0, this.limit - this.samples.length);
    this.samples.push(...batch.records.slice(0, room));
    return Promise.resolve({ written: 0 });
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  abort(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
