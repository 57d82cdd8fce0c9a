/**
 * Named places where a crash test may kill the process: `HOTJAR_FLOW_CRASH_AT=<point>:<n>` sends
 * SIGKILL to this process the n-th time it passes `<point>` (1-based). Without the variable it
 * costs one comparison. Points: `before-write`, `in-transaction` (rows written, not committed),
 * `after-commit`, `between-pages`.
 */
export type CrashPoint = 'before-write' | 'in-transaction' | 'after-commit' | 'between-pages';

const spec = parseSpec(process.env['HOTJAR_FLOW_CRASH_AT']);
let passes = 0;

export function crashPoint(point: CrashPoint): void {
  if (spec === undefined || spec.point !== point) return;

  passes += 1;
  if (passes === spec.count) process.kill(process.pid, 'SIGKILL');
}

function parseSpec(value: string | undefined): { point: string; count: number } | undefined {
  if (value === undefined || value === '') return undefined;

  const [point, count] = value.split(':');
  const n = Number(count ?? '1');
  return point === undefined || !Number.isInteger(n) || n < 1 ? undefined : { point, count: n };
}
