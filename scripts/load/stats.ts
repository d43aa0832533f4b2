/** Per-endpoint counts and latencies of a load run, and the open-model loop that fills them. */
import type { Answer } from './http';
import type { EndpointName, EndpointSpec } from './scenario';

export interface EndpointStats {
  name: EndpointName;
  latencies: number[];
  statuses: Record<string, number>;
  /** No response: refused, reset or timed out. */
  connectionErrors: number;
  http5xx: number;
  /** Answers outside the endpoint's expected statuses (429 excluded). */
  unexpected: number;
  /** 429: a limit said no; expected under load, reported, never an error. */
  limited: number;
  /** Nothing to send (no token yet): not a request. */
  skipped: number;
}

export const newStats = (name: EndpointName): EndpointStats => ({
  name,
  latencies: [],
  statuses: {},
  connectionErrors: 0,
  http5xx: 0,
  unexpected: 0,
  limited: 0,
  skipped: 0,
});

export function record(s: EndpointStats, spec: EndpointSpec, answer: Answer | undefined) {
  if (!answer) {
    s.skipped += 1;
    return;
  }
  s.latencies.push(answer.ms);
  const key = answer.status === 0 ? (answer.error ?? 'error') : String(answer.status);
  s.statuses[key] = (s.statuses[key] ?? 0) + 1;
  if (answer.status === 0) s.connectionErrors += 1;
  else if (answer.status >= 500) s.http5xx += 1;
  else if (answer.status === 429) s.limited += 1;
  else if (!spec.expect.includes(answer.status)) s.unexpected += 1;
}

/** Nearest-rank percentile of the latencies, in ms (0 with no samples). */
export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export interface RunTotals {
  planned: number;
  started: number;
  /** Planned requests not started because maxInFlight requests were outstanding. */
  dropped: number;
  seconds: number;
}

/**
 * Open model at a constant arrival rate (as k6's constant-arrival-rate): every 10 ms, start
 * the requests due by now; a slow service does not slow the arrivals down, it piles them up
 * to maxInFlight, past which they are dropped and counted.
 */
export async function runOpenModel(o: {
  rate: number;
  seconds: number;
  maxInFlight: number;
  fire: () => Promise<void>;
}): Promise<RunTotals> {
  const started = performance.now();
  const end = started + o.seconds * 1000;
  let planned = 0;
  let begun = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = Math.min(performance.now(), end);
      const due = Math.floor(((now - started) / 1000) * o.rate);
      for (; planned < due; planned++) {
        if (inFlight >= o.maxInFlight) continue;
        begun += 1;
        inFlight += 1;
        const p = o.fire().finally(() => {
          inFlight -= 1;
          pending.delete(p);
        });
        pending.add(p);
      }
      if (now >= end) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  await Promise.all(pending);
  return { planned, started: begun, dropped: planned - begun, seconds: (performance.now() - started) / 1000 };
}
