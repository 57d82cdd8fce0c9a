// Runs a command to completion and measures it as a user would see it: wall time from spawn to
// exit, and the peak resident set size, sampled from /proc/<pid>/status (VmHWM, the kernel's own
// high-water mark) every 50 ms while it runs.
/* global process, performance */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SAMPLE_MS = 50;

/** The process's peak RSS so far in KiB, or null where /proc is missing or the process is gone. */
function highWaterKib(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Spawns `node ARGS` (stdout captured, stderr discarded) and waits for its exit.
 * @param {{args: string[], cwd: string, env?: object}} o  env is merged over process.env.
 * @returns {Promise<{code: number, wallMs: number, peakRssMb: number | null, stdout: string}>}
 */
export function runMeasured(o) {
  const started = performance.now();
  const child = spawn(process.execPath, o.args, {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let peak = null;
  const sample = () => {
    const kib = highWaterKib(child.pid);
    if (kib !== null) peak = Math.max(peak ?? 0, kib);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  sample();
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      clearInterval(timer);
      resolve({ code, wallMs, peakRssMb: peak === null ? null : peak / 1024, stdout });
    });
  });
}

/** The last stdout line parsed as JSON (the product's and the floor's summary line). */
export function lastJsonLine(stdout) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null');
}
