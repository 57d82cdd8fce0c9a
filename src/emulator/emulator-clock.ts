import { EPOCH_MS } from './survey-generator.js';

/**
 * The emulator's notion of now: it starts at a fixed instant (2026-01-01T00:00:00Z), runs with real
 * time, and can be moved forward to expire tokens and keys or to empty a rate-limit window.
 */
export class EmulatorClock {
  private offsetMs = 0;
  private readonly startedAt = performance.now();

  constructor(private readonly epochMs: number = EPOCH_MS) {}

  nowMs(): number {
    return Math.floor(this.epochMs + (performance.now() - this.startedAt) + this.offsetMs);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
