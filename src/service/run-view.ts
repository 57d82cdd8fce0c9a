import type { RunCounts, RunError, RunRecord, RunStatus, RunTrigger } from '../store/store.js';

/** A run as the API shows it: the keys of `run --json`, plus its place in time and its log. */
export interface RunView {
  id: string;
  run_id: string;
  flow: string;
  flow_id: string;
  status: RunStatus;
  trigger: RunTrigger;
  duration_ms: number | null;
  counts: RunCounts;
  warnings: string[];
  error: RunError | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  log_lines: number;
  log_lines_dropped: number;
}

export function toRunView(run: RunRecord, flowName: string): RunView {
  return {
    id: run.id,
    run_id: run.id,
    flow: flowName,
    flow_id: run.flow_id,
    status: run.status,
    trigger: run.trigger,
    duration_ms: run.duration_ms,
    counts: run.counts,
    warnings: run.warnings,
    error: run.error,
    created_at: run.created_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
    log_lines: run.log_lines,
    log_lines_dropped: run.log_lines_dropped,
  };
}
