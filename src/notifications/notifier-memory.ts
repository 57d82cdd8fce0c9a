import { z } from 'zod';

import type { Store } from '../store/store.js';

/**
 * The reserved sync-state name under which the notifier remembers what it already reported.
 * Flow names start with a letter or a digit, so no flow can own it.
 */
export const NOTIFIER_STATE_NAME = '_notifications';

const lastRunSchema = z.object({ run_id: z.string(), status: z.enum(['succeeded', 'failed']) });
const testSchema = z.object({ tested_at: z.string() });
const keySchema = z.object({ key_created_on: z.string(), warned: z.array(z.number()) });
const schemaSchema = z.object({ digest: z.string() });

export type LastRun = z.infer<typeof lastRunSchema>;

/**
 * What was already reported, one partition per subject: `run:<flow id>`, `test:<credential id>`,
 * `key:<credential id>`, `schema:<flow id>`.
 */
export class NotifierMemory {
  constructor(private readonly store: Store) {}

  async lastRun(flowId: string): Promise<LastRun | null> {
    return this.read(`run:${flowId}`, lastRunSchema);
  }

  async rememberRun(flowId: string, run: LastRun): Promise<void> {
    await this.write(`run:${flowId}`, run);
  }

  /** True (and remembered) the first time this credential's failed test at `testedAt` is seen. */
  async firstTestFailure(credentialId: string, testedAt: string): Promise<boolean> {
    const seen = await this.read(`test:${credentialId}`, testSchema);
    if (seen?.tested_at === testedAt) return false;

    await this.write(`test:${credentialId}`, { tested_at: testedAt });
    return true;
  }

  /** The thresholds already warned about for this key (none after a rotation). */
  async keyWarnings(credentialId: string, createdOn: string): Promise<number[]> {
    const seen = await this.read(`key:${credentialId}`, keySchema);
    return seen?.key_created_on === createdOn ? seen.warned : [];
  }

  async rememberKeyWarnings(
    credentialId: string,
    createdOn: string,
    warned: number[],
  ): Promise<void> {
    await this.write(`key:${credentialId}`, {
      key_created_on: createdOn,
      warned: [...new Set(warned)],
    });
  }

  /** True (and remembered) when `digest` differs from the last schema reported for the flow. */
  async newSchema(flowId: string, digest: string): Promise<boolean> {
    const seen = await this.read(`schema:${flowId}`, schemaSchema);
    if (seen?.digest === digest) return false;

    await this.write(`schema:${flowId}`, { digest });
    return true;
  }

  private async read<T>(partition: string, schema: z.ZodType<T>): Promise<T | null> {
    const all = await this.store.readSyncState(NOTIFIER_STATE_NAME);
    const parsed = schema.safeParse(all.get(partition));
    return parsed.success ? parsed.data : null;
  }

  private async write(partition: string, value: unknown): Promise<void> {
    await this.store.writeSyncState(NOTIFIER_STATE_NAME, new Map([[partition, value]]));
  }
}
