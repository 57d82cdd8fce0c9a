// The facts a reader needs to compare a result with their own machine.
import { cpus, totalmem, platform, release } from 'node:os';
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
  };
}
