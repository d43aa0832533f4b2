import type { Metrics } from '../../platform/metrics';
import type { Clock } from '../../platform/clock';
import type { AuthRepositories } from '../auth';

export interface AdminStats {
  users: number;
  activeSessions: number;
  /** Counters of this instance since it started (the same numbers /metrics exports). */
  usage: {
    since: Date;
    otpRequests: { total: number; byOutcome: Record<string, number> };
    verifications: { success: number; failure: number; byResult: Record<string, number> };
    sessionsCreated: number;
    refreshes: Record<string, number>;
    emails: Record<string, number>;
  };
}

interface CounterLike {
  get(): Promise<{ values: Array<{ value: number; labels: Record<string, string | number | undefined> }> }>;
}

async function byLabel(counter: CounterLike, label: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await counter.get()).values) {
    const key = String(v.labels[label] ?? 'total');
    out[key] = (out[key] ?? 0) + v.value;
  }
  return out;
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

/**
 * Usage figures for the admin API ("analytics and usage tracking"): the totals come from the
 * database, the activity counters from the metrics registry, so dashboards and this endpoint agree.
 */
export function createStatsReader(deps: {
  store: Pick<AuthRepositories, 'users' | 'sessions'>;
  metrics: Metrics;
  clock: Clock;
}) {
  const since = deps.clock.now();
  return async (): Promise<AdminStats> => {
    const { metrics } = deps;
    const users = await deps.store.users.count();
    const activeSessions = await deps.store.sessions.count({ activeAt: deps.clock.now() });
    const requests = await byLabel(metrics.otpRequests, 'outcome');
    const results = await byLabel(metrics.otpVerifications, 'result');
    const success = results.success ?? 0;
    return {
      users,
      activeSessions,
      usage: {
        since,
        otpRequests: { total: sum(requests), byOutcome: requests },
        verifications: { success, failure: sum(results) - success, byResult: results },
        sessionsCreated: sum(await byLabel(metrics.sessionsCreated, 'none')),
        refreshes: await byLabel(metrics.refreshes, 'result'),
        emails: await byLabel(metrics.emails, 'outcome'),
      },
    };
  };
}
