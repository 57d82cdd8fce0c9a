import type { RunSummary } from '../engine/run-summary.js';

/** The human summary of a run: one status line, the counts, warnings and the error. */
export function formatSummary(summary: RunSummary): string {
  const c = summary.counts;
  const mark = summary.status === 'succeeded' ? '✔' : '✘';
  const lines = [
    `${mark} ${summary.flow} ${summary.status} in ${(summary.duration_ms / 1000).toFixed(1)} s (run ${summary.run_id})`,
    `  requests ${n(c.requests)} · retries ${n(c.retries)} · pages ${n(c.pages)} · records read ${n(c.records_read)} · written ${n(c.records_written)} · quarantined ${n(c.records_quarantined)} · ${bytes(c.bytes)}`,
  ];
  for (const warning of summary.warnings) lines.push(`  warning: ${warning}`);
  if (summary.error !== null) lines.push(`  error ${summary.error.code}: ${summary.error.message}`);
  return `${lines.join('\n')}\n`;
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${(value / 1024 / 1024).toFixed(1)} MB`;
}
