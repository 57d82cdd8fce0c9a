import {
  mkdir,
  open as openFile,
  rename,
  rm,
  stat,
  truncate,
  type FileHandle,
} from 'node:fs/promises';
import { dirname } from 'node:path';

import { crashPoint } from '../../engine/crash-points.js';
import { DestinationError } from '../../errors/errors.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import type {
  Destination,
  FlowRecord,
  OpenContext,
  StateEntry,
  WriteBatch,
  WriteResult,
} from '../destination.js';
import { stringifyExact } from '../../json/exact-json.js';
import { syncDirectory } from './atomic-file.js';
import { expandPathMacros } from './expand-path-macros.js';
import {
  jsonlStatePath,
  readJsonlStateFile,
  writeJsonlStateFile,
  type JsonlState,
} from './jsonl-state-file.js';

export interface JsonlDestinationOptions {
  /** The data file; may hold `{flow}`, `{run}` and `{date}`, expanded at `open`. */
  path: string;
  /** Where `<flow>.state.json` lives (the engine passes `<data-dir>/state`). */
  stateDir: string;
  /** Default: a logger that writes nothing. */
  logger?: Logger;
}

/** Everything that exists only between `open` and `close`. */
interface OpenState {
  context: OpenContext;
  /** The expanded data file path. */
  target: string;
  /** Where lines go: the target (append) or a temporary file beside it (replace). */
  writing: string;
  handle: FileHandle;
  statePath: string;
  state: JsonlState;
  /** `replace` keeps state in memory until the rename, so it never outruns the visible data. */
  pendingState: Map<string, unknown>;
  /** Bytes written to the temporary file of a `replace` run. */
  stagedBytes: number;
}

/**
 * Writes one JSON object per line. `append` is exactly-once through a write-ahead offset: each
 * batch is appended and flushed, then the state file records the new committed size; at `open`,
 * bytes past that size (a batch whose state never landed) are cut off. `replace` writes a
 * temporary file that `commit` renames over the target.
 *
 * Append does not de-duplicate by primary key (a file has no index to look a key up in): the
 * engine does, for incremental passes, with the written spans and re-read window it keeps in the
 * state (see engine/incremental-window.ts).
 */
export class JsonlDestination implements Destination {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly options: JsonlDestinationOptions;
  private readonly logger: Logger;
  private current: OpenState | undefined;
  /** Set when a failed append could not be cut back: later writes would corrupt the file. */
  private broken = false;

  constructor(options: JsonlDestinationOptions) {
    this.options = options;
    this.logger = (options.logger ?? silentLogger()).child({ destination: 'jsonl' });
  }

  async open(context: OpenContext): Promise<void> {
    if (context.write === 'upsert') {
      throw new DestinationError('jsonl supports append and replace', {
        details: { write: context.write },
      });
    }

    const target = expandPathMacros(this.options.path, {
      flow: context.flow,
      runId: context.runId,
      now: new Date(),
    });
    this.current = await this.attempt('open', target, () => this.prepare(context, target));
    this.broken = false;
  }

  readState(): Promise<Map<string, unknown>> {
    const { state } = this.opened();
    return Promise.resolve(new Map(Object.entries(state.entries)));
  }

  /**
   * Batches from partitions read concurrently arrive at once; each append and its state write
   * must finish before the next begins, or offsets and state files would interleave.
   */
  write(batch: WriteBatch): Promise<WriteResult> {
    const result = this.queue.then(() => this.writeNow(batch));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async writeNow(batch: WriteBatch): Promise<WriteResult> {
    const open = this.opened();
    if (this.broken) {
      throw new DestinationError(`jsonl file ${open.target} is unusable after a failed write`);
    }

    const lines = await this.attempt('write', open.target, () =>
      Promise.resolve(toLines(batch.records)),
    );
    const bytes = Buffer.from(lines, 'utf8');
    if (open.context.write === 'replace') {
      await this.attempt('write', open.writing, () => open.handle.appendFile(bytes));
      open.stagedBytes += bytes.length;
      mergeInto(open.pendingState, batch.state);
    } else {
      await this.appendCommitted(open, bytes, batch.state);
    }

    return { written: batch.records.length };
  }

  async commit(state?: readonly StateEntry[]): Promise<void> {
    const open = this.opened();
    mergeInto(open.pendingState, state);

    // A crash between the rename and the state write leaves the new data with the old state: a
    // replace run reads everything again anyway, so nothing is lost or doubled.
    await this.attempt('commit', open.target, async () => {
      if (open.context.write === 'replace') await this.publishStaged(open);
      const entries = { ...open.state.entries, ...Object.fromEntries(open.pendingState) };
      await this.saveState(open, open.state.committed_bytes, entries);
    });
    open.pendingState.clear();
  }

  async abort(): Promise<void> {
    const open = this.current;
    if (open === undefined) return;

    open.pendingState.clear();
    if (open.context.write !== 'replace') return;

    await open.handle.close();
    await rm(open.writing, { force: true });
    this.current = undefined;
  }

  async close(): Promise<void> {
    const open = this.current;
    this.current = undefined;
    await open?.handle.close();
  }

  private async prepare(context: OpenContext, target: string): Promise<OpenState> {
    await mkdir(dirname(target), { recursive: true });
    await mkdir(this.options.stateDir, { recursive: true });

    const statePath = jsonlStatePath(this.options.stateDir, context.flow);
    const state = await this.recover(statePath, target, context.write === 'append');
    const writing = context.write === 'replace' ? `${target}.hf-replace.tmp` : target;
    const handle = await openFile(writing, context.write === 'replace' ? 'w' : 'a');

    return {
      context,
      target,
      writing,
      handle,
      statePath,
      state,
      pendingState: new Map(),
      stagedBytes: 0,
    };
  }

  /**
   * Cuts off what a crashed run appended after its last committed batch, then anchors the offset
   * to this run's file (it differs when the path holds `{date}` or `{run}`).
   */
  private async recover(
    statePath: string,
    target: string,
    appending: boolean,
  ): Promise<JsonlState> {
    const stored = await readJsonlStateFile(statePath);
    if (stored !== undefined) await this.cutUncommitted(stored);
    if (!appending) return stored ?? { file: target, committed_bytes: 0, entries: {} };

    const size = await fileSize(target);
    if (stored !== undefined && stored.file === target && stored.committed_bytes === size) {
      return stored;
    }

    const anchored = { file: target, committed_bytes: size, entries: stored?.entries ?? {} };
    await writeJsonlStateFile(statePath, anchored);
    return anchored;
  }

  /**
   * Cuts a tail only when the state says this flow was appending exactly there: a file that grew
   * otherwise (another flow writing to it, a restored copy) is left as it is.
   */
  private async cutUncommitted(state: JsonlState): Promise<void> {
    const size = await fileSize(state.file);
    const pending = state.pending;
    const ours =
      pending !== undefined &&
      pending.from === state.committed_bytes &&
      size <= pending.from + pending.bytes;
    if (size > state.committed_bytes && ours) {
      await truncate(state.file, state.committed_bytes);
      this.logger.warn(
        { file: state.file, bytes: size - state.committed_bytes },
        'uncommitted tail removed',
      );
    } else if (size > state.committed_bytes) {
      this.logger.warn(
        { file: state.file, size, committed: state.committed_bytes },
        'data file grew outside this flow; keeping it as it is',
      );
    } else if (size < state.committed_bytes) {
      this.logger.warn(
        { file: state.file, size, committed: state.committed_bytes },
        'data file is shorter than its committed size',
      );
    }
  }

  /** Append, flush, then record the new size: a crash in between is undone at the next open. */
  private async appendCommitted(
    open: OpenState,
    bytes: Buffer,
    entries: readonly StateEntry[] | undefined,
  ): Promise<void> {
    const before = open.state.committed_bytes;
    try {
      if (bytes.length > 0) {
        await this.saveState(open, before, open.state.entries, {
          from: before,
          bytes: bytes.length,
        });
        await open.handle.appendFile(bytes);
        await open.handle.datasync();
      }
      crashPoint('in-transaction');

      await this.saveState(open, before + bytes.length, merged(open.state.entries, entries));
    } catch (error) {
      await this.cutBack(open, before);
      throw this.failure('write', open.target, error);
    }
  }

  /** After a failed append, the file must end at the committed size again before any retry. */
  private async cutBack(open: OpenState, size: number): Promise<void> {
    try {
      await open.handle.truncate(size);
    } catch (error) {
      this.broken = true;
      this.logger.error({ file: open.target, err: error }, 'failed append could not be cut back');
    }
  }

  private async publishStaged(open: OpenState): Promise<void> {
    await open.handle.datasync();
    await open.handle.close();
    await rename(open.writing, open.target);
    await syncDirectory(dirname(open.target));

    // Keep a handle open on the published file so `close` stays the same for every mode.
    open.handle = await openFile(open.target, 'a');
    open.writing = open.target;
    open.state = { ...open.state, file: open.target, committed_bytes: open.stagedBytes };
  }

  private async saveState(
    open: OpenState,
    committedBytes: number,
    entries: Record<string, unknown>,
    pending?: JsonlState['pending'],
  ): Promise<void> {
    const next: JsonlState = {
      file: open.target,
      committed_bytes: committedBytes,
      entries,
      ...(pending === undefined ? {} : { pending }),
    };
    await writeJsonlStateFile(open.statePath, next);
    open.state = next;
  }

  private opened(): OpenState {
    if (this.current === undefined) throw new DestinationError('the jsonl destination is not open');
    return this.current;
  }

  private async attempt<T>(step: string, file: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.failure(step, file, error);
    }
  }

  private failure(step: string, file: string, error: unknown): DestinationError {
    if (error instanceof DestinationError) return error;

    const reason = error instanceof Error ? error.message : String(error);
    return new DestinationError(`jsonl ${step} failed for ${file}: ${reason}`, {
      cause: error,
      details: { path: file, step },
    });
  }
}

/** One line per record; a record JSON cannot hold fails the whole batch before any byte lands. */
function toLines(records: readonly FlowRecord[]): string {
  let text = '';
  for (const record of records) {
    const line = stringifyExact(record);
    if (line === undefined) throw new DestinationError('a record could not be written as JSON');
    text += `${line}\n`;
  }

  return text;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

function mergeInto(target: Map<string, unknown>, entries: readonly StateEntry[] | undefined): void {
  for (const entry of entries ?? []) target.set(entry.partition, entry.value);
}

function merged(
  current: Record<string, unknown>,
  entries: readonly StateEntry[] | undefined,
): Record<string, unknown> {
  const next = { ...current };
  for (const entry of entries ?? []) next[entry.partition] = entry.value;
  return next;
}
