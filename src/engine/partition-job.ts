import type { Destination, FlowRecord, StateEntry } from '../destinations/destination.js';
import { queryFirst } from '../source/json-path.js';
import { expandMacros } from '../source/macros.js';
import { readPath, scalarText, shapeRecord, type ShapeContext } from '../source/record-shaper.js';
import type { RecordShape } from '../source/schema/record-shape-schema.js';
import { crashPoint } from './crash-points.js';
import type { SourcePlan } from '../source/source-plan.js';
import { IncrementalWindow, type PartitionState } from './incremental-window.js';
import { readStep, type PageReaderContext } from './page-reader.js';
import type { RunCounts } from './run-summary.js';

export interface PartitionJob {
  key: string;
  vars: Readonly<Record<string, unknown>>;
  parent?: Readonly<Record<string, unknown>>;
}

export interface PartitionRunOptions {
  plan: SourcePlan;
  reader: PageReaderContext;
  destination: Destination;
  state: ReadonlyMap<string, unknown>;
  counts: RunCounts;
  warnings: string[];
  /** Pages per partition; the plan's max_pages unless the Test button lowers it. */
  maxPages: number;
  /** The destination skips a record whose key it already holds (SQLite with a primary key). */
  destinationSkipsKnownKeys: boolean;
  /** When false (the Test button), no state is committed. */
  commitState: boolean;
  onPage?: () => void;
}

/**
 * Reads one partition (one survey, say) and writes each page as one batch. An ascending source
 * commits its bookmark with every batch; a newest-first source commits it once, with the batch
 * that ends the pass.
 */
export async function runPartition(job: PartitionJob, options: PartitionRunOptions): Promise<void> {
  const { plan, destination, counts } = options;
  const window =
    plan.incremental === undefined
      ? undefined
      : new IncrementalWindow(plan.incremental, options.state.get(job.key), {
          primaryKey: plan.incremental.recordKey ?? plan.primaryKey,
          rememberWindow: !options.destinationSkipsKnownKeys,
        });
  const extra = window?.requestExtra();
  const context = { params: job.vars, ...(job.parent === undefined ? {} : { parent: job.parent }) };

  const pages = readStep(options.reader, {
    step: plan.step,
    vars: job.vars,
    maxPages: options.maxPages,
    ...(extra === undefined ? {} : { extra }),
    ...(window === undefined ? {} : { isLast: (records) => window.reached(records) }),
  });

  let complete = true;
  const batch = new PendingBatch(destination, counts);
  for await (const page of pages) {
    if (page.final) counts.pages += 1;
    if (page.truncatedByMaxPages) complete = false;
    counts.records_read += page.records.length;
    if (page.truncatedByMaxPages)
      options.warnings.push(
        `max_pages (${options.maxPages}) reached for ${partitionLabel(job.key)}; the rest was not read`,
      );

    const matching = matchParam(page.records, plan, job.vars);
    const kept = window === undefined ? matching : window.filter(matching);
    batch.add(addFields(shapeAll(kept, plan, context), plan, page, job.vars));
    if (options.commitState) batch.setState(stateFor(job.key, window?.progress()));
    if (batch.size >= BATCH_RECORDS) await batch.flush();
    options.onPage?.();
  }

  // A newest-first pass cut short by max_pages did not reach the old bookmark: keep it.
  if (window !== undefined && options.commitState && complete) {
    batch.setState(stateFor(job.key, window.completed()));
  }
  await batch.flush();
}

/**
 * Records wait here until about this many have gathered, then land in one transaction with the
 * latest state: fewer commits, and a state that always matches the records committed with it.
 */
export const BATCH_RECORDS = 1;

class PendingBatch {
  private records: FlowRecord[] = [];
  private state: StateEntry[] | undefined;

  constructor(
    private readonly destination: Destination,
    private readonly counts: RunCounts,
  ) {}

  get size(): number {
    return this.records.length;
  }

  add(records: FlowRecord[]): void {
    if (this.records.length === 0) this.records = records;
    else for (const record of records) this.records.push(record);
  }

  /** The newest state replaces the one before: it covers every record gathered so far. */
  setState(state: StateEntry[] | undefined): void {
    if (state !== undefined) this.state = state;
  }

  async flush(): Promise<void> {
    if (this.records.length === 0 && this.state === undefined) return;

    const batch = {
      records: this.records,
      ...(this.state === undefined ? {} : { state: this.state }),
    };
    this.records = [];
    this.state = undefined;
    crashPoint('before-write');
    const result = await this.destination.write(batch);
    crashPoint('after-commit');
    this.counts.records_written += result.written;
    crashPoint('between-pages');
  }
}

/**
 * A manual source's `add_fields`. Envelope values are known with the page's records for ordinary
 * pages; the chunks of a streamed page come before its envelope, so they get null there.
 */
function addFields(
  records: FlowRecord[],
  plan: SourcePlan,
  page: { final: boolean; envelope?: unknown },
  vars: Readonly<Record<string, unknown>>,
): FlowRecord[] {
  const fields = plan.step.addFields;
  if (fields === undefined || records.length === 0) return records;

  const values: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(fields)) {
    if (!expression.startsWith('$'))
      values[name] = expandMacros(expression, vars, { path: `source.add_fields.${name}` });
    else values[name] = page.final ? (queryFirst(page.envelope, expression) ?? null) : null;
  }
  for (const record of records) Object.assign(record, values);
  return records;
}

function shapeAll(
  records: readonly FlowRecord[],
  plan: SourcePlan,
  context: Parameters<typeof shapeRecord>[2],
): FlowRecord[] {
  const shape = plan.step.shape;
  if (shape === undefined) return records as FlowRecord[];

  const constant = constantFields(shape, context);
  if (constant !== undefined) {
    for (const record of records) Object.assign(record, constant);
    return records as FlowRecord[];
  }

  const out: FlowRecord[] = [];
  for (const record of records) out.push(...shapeRecord(record, shape, context));
  return out;
}

/**
 * A shape that only adds parameters (site_id, survey_id) adds the same values to every record of
 * a partition: worked out once, not per record.
 */
function constantFields(shape: RecordShape, context: ShapeContext): FlowRecord | undefined {
  if (shape.explode !== undefined || shape.fields !== undefined || shape.add === undefined)
    return undefined;

  const values: FlowRecord = {};
  for (const [name, expression] of Object.entries(shape.add)) {
    if (typeof expression !== 'string' || !/^(params|parent)\./.test(expression)) return undefined;
    values[name] = readPath(context, expression) ?? null;
  }
  return values;
}

/** A template step that lists many things keeps only the one a parameter names, when given. */
function matchParam(
  records: FlowRecord[],
  plan: SourcePlan,
  vars: Readonly<Record<string, unknown>>,
): FlowRecord[] {
  const match = plan.step.matchParam;
  const wanted = match === undefined ? undefined : vars[match.param];
  if (match === undefined || wanted === undefined) return records;

  return records.filter(
    (record) => scalarText(readPath(record, match.field)) === scalarText(wanted),
  );
}

function stateFor(key: string, value: PartitionState | undefined): StateEntry[] | undefined {
  return value === undefined ? undefined : [{ partition: key, value }];
}

function partitionLabel(key: string): string {
  return key === '' ? 'the source' : key;
}
