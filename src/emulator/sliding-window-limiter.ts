/** The outcome of one rate-limit check: allowed, or how long until a slot frees up. */
export type LimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

const WINDOW_MS = 60_000;

/**
 * At most `limit` requests per client in any 60-second window, kept as an exact log: a ring of the
 * last `limit` accepted request times per client. A request is accepted when the oldest of those
 * is at least 60 s old; rejected requests are not recorded.
 */
export class SlidingWindowLimiter {
  private readonly rings = new Map<string, { times: Float64Array; next: number; size: number }>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  check(client: string): LimitDecision {
    const now = this.now();
    let ring = this.rings.get(client);
    if (ring === undefined) {
      ring = { times: new Float64Array(this.limit), next: 0, size: 0 };
      this.rings.set(client, ring);
    }

    if (ring.size === this.limit) {
      const oldest = ring.times[ring.next] ?? 0;
      if (now - oldest < WINDOW_MS) {
        return { allowed: false, retryAfterMs: oldest + WINDOW_MS - now };
      }
    }

    ring.times[ring.next] = now;
    ring.next = (ring.next + 1) % this.limit;
    ring.size = Math.min(ring.size + 1, this.limit);
    return { allowed: true };
  }
}
