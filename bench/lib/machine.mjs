// The facts a reader needs to compare a result with their own machine.
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { version } from 'node:process';

export function machineFacts() {
  const list = cpus();
  return {
    cpu_model: list[0]?.model ?? 'unknown',
    cores: list.length,
    total_memory_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    // Other work on the machine skews every figure; the 1-minute load average at the start says how
    // much there was.
    load_average_1m: loadAverage(),
  };
}

/** The 1-minute load average, rounded (0 where the platform has none). */
export function loadAverage() {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
