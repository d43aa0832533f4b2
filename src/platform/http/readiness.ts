import { withTimeout } from '../timeout';

export interface ReadinessCheck {
  name: string;
  check(): Promise<'ok' | 'degraded'>;
  /** Answered from this process's memory (no I/O): asked on every call, never reused. */
  inMemory?: boolean;
}

export interface ReadinessReport {
  /** Each dependency: ok, degraded or down. */
  checks: Record<string, string>;
  /** The first dependency that is down, if any. */
  failing?: string;
}

/** How long one answer of the dependencies is reused. */
export const READINESS_MAX_AGE_MS = 1_000;
const CHECK_TIMEOUT_MS = 2_000;

async function runChecks(readiness: ReadinessCheck[]): Promise<ReadinessReport> {
  const checks: Record<string, string> = {};
  let failing: string | undefined;
  for (const c of readiness) {
    try {
      checks[c.name] = await withTimeout(c.check(), CHECK_TIMEOUT_MS, () => {
        throw new Error('timeout');
      });
    } catch {
      checks[c.name] = 'down';
      failing ??= c.name;
    }
  }
  return failing ? { checks, failing } : { checks };
}

/** The checks' answers in their declared order; the first one down is the one named. */
function merge(readiness: ReadinessCheck[], ...reports: ReadinessReport[]): ReadinessReport {
  const all = Object.assign({}, ...reports.map((r) => r.checks)) as Record<string, string>;
  const checks: Record<string, string> = {};
  for (const c of readiness) checks[c.name] = all[c.name];
  const failing = readiness.find((c) => checks[c.name] === 'down')?.name;
  return failing ? { checks, failing } : { checks };
}

/**
 * The dependencies' state, with those that cost I/O asked at most once per `maxAgeMs`:
 * /health/ready needs no sign-in and each database check is a round trip, so without this
 * anyone could turn a flood of probes into a flood of queries. Callers arriving while a check
 * runs share it; an answer (a failure too) is reused for `maxAgeMs` after it settled. Every
 * orchestrator probes far less often than that, so none sees a staler state than it would
 * have anyway. Checks answered from memory (`inMemory`, say Redis's connection state) are
 * asked on every call. `now` is a monotonic clock in milliseconds (tests drive it).
 */
export function cachedReadiness(
  readiness: ReadinessCheck[],
  options: { maxAgeMs?: number; now?: () => number } = {},
): () => Promise<ReadinessReport> {
  const maxAgeMs = options.maxAgeMs ?? READINESS_MAX_AGE_MS;
  const now = options.now ?? (() => performance.now());
  const costly = readiness.filter((c) => !c.inMemory);
  const cheap = readiness.filter((c) => c.inMemory);
  let inFlight: Promise<ReadinessReport> | undefined;
  let last: { report: ReadinessReport; at: number } | undefined;
  const costlyReport = (): Promise<ReadinessReport> => {
    if (last && now() - last.at < maxAgeMs) return Promise.resolve(last.report);
    inFlight ??= runChecks(costly)
      .then((report) => {
        last = { report, at: now() };
        return report;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  return async () => merge(readiness, await costlyReport(), await runChecks(cheap));
}
