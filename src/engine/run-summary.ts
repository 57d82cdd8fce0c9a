/** The counts of a run, as in `run --json`. */
export interface RunCounts {
  requests: number;
  retries: number;
  pages: number;
  records_read: number;
  records_written: number;
  records_quarantined: number;
  bytes: number;
}

/** One line of `run --json`: the contract for scripts, the API and the run history. */
export interface RunSummary {
  status: 'succeeded' | 'failed';
  run_id: string;
  flow: string;
  duration_ms: number;
  counts: RunCounts;
  warnings: string[];
  error: { code: string; message: string } | null;
}

export function emptyCounts(): RunCounts {
  return {
    requests: 0,
    retries: 0,
    pages: 0,
    records_read: 0,
    records_written: 0,
    records_quarantined: 0,
    bytes: 0,
  };
}
