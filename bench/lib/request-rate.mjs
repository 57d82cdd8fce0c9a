// Request rates from samples of the emulator's request counter, taken while a run goes on.
// A sample is {t: milliseconds, requests: the counter at t}.

const MINUTE_MS = 60_000;

/**
 * Requests per minute between the first and the last sample that saw the counter move: the run
 * without process start-up and shutdown. Requests after the last sample are left out with the
 * time they took. Null when fewer than two samples saw requests.
 */
export function steadyRate(samples) {
  const base = samples[0]?.requests ?? 0;
  const first = samples.find((s) => s.requests > base);
  const top = samples.at(-1)?.requests ?? base;
  const last = samples.find((s) => s.requests === top);
  if (!first || !last || last.t <= first.t) return null;
  return ((last.requests - first.requests) * MINUTE_MS) / (last.t - first.t);
}

/** The most requests the samples show in any 60-second span. */
export function busiestMinute(samples) {
  let most = 0;
  let start = 0;
  for (const sample of samples) {
    while (sample.t - samples[start].t > MINUTE_MS) start += 1;
    most = Math.max(most, sample.requests - samples[start].requests);
  }
  return most;
}
