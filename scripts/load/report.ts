/** The load test's table and its verdict against thresholds.json. */
import { percentile, type EndpointStats, type RunTotals } from './stats';
import type { ThresholdSet } from './scenario';

export interface Row {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  http5xx: number;
  connectionErrors: number;
  unexpected: number;
  limited: number;
  statuses: string;
}

export function rows(stats: EndpointStats[], seconds: number): Row[] {
  return stats.map((s) => {
    const sorted = [...s.latencies].sort((a, b) => a - b);
    return {
      name: s.name,
      requests: sorted.length,
      rps: sorted.length / seconds,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      http5xx: s.http5xx,
      connectionErrors: s.connectionErrors,
      unexpected: s.unexpected,
      limited: s.limited,
      statuses:
        Object.entries(s.statuses)
          .map(([code, count]) => `${code}×${count}`)
          .join(' ') + (s.skipped ? ` (${s.skipped} skipped: no token yet)` : ''),
    };
  });
}

export function printRows(all: Row[], totals: RunTotals) {
  const ms = (v: number) => v.toFixed(1);
  console.log(
    '| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | 5xx | conn. errors | unexpected | 429 | statuses |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of all)
    console.log(
      `| ${r.name} | ${r.requests} | ${r.rps.toFixed(1)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.http5xx} | ${r.connectionErrors} | ${r.unexpected} | ${r.limited} | ${r.statuses} |`,
    );
  const sum = all.reduce((n, r) => n + r.requests, 0);
  console.log(
    `\n${sum} requests in ${totals.seconds.toFixed(1)} s (${(sum / totals.seconds).toFixed(1)} req/s); planned ${totals.planned}, dropped ${totals.dropped} (not started: maxInFlight requests were outstanding)`,
  );
}

/** Every threshold missed, as sentences; empty when the run passes. */
export function verdict(all: Row[], totals: RunTotals, t: ThresholdSet): string[] {
  const missed: string[] = [];
  const sum = (f: (r: Row) => number) => all.reduce((n, r) => n + f(r), 0);
  const requests = sum((r) => r.requests);
  const over = (label: string, value: number, max: number | undefined) => {
    if (max !== undefined && value > max) missed.push(`${label} ${value} > ${max}`);
  };
  over(
    '5xx answers',
    sum((r) => r.http5xx),
    t.all.http5xx,
  );
  over(
    'connection errors',
    sum((r) => r.connectionErrors),
    t.all.connectionErrors,
  );
  const failed = sum((r) => r.http5xx + r.connectionErrors + r.unexpected);
  if (t.all.errorRate !== undefined)
    over('error rate', Number((failed / Math.max(1, requests)).toFixed(4)), t.all.errorRate);
  if (t.all.minRateRatio !== undefined) {
    const ratio = totals.started / Math.max(1, totals.planned);
    if (ratio < t.all.minRateRatio)
      missed.push(
        `started ${(ratio * 100).toFixed(1)} % of the planned requests < ${t.all.minRateRatio * 100} %`,
      );
  }
  for (const r of all) {
    const limits = t.endpoints?.[r.name as keyof typeof t.endpoints];
    if (!limits) continue;
    over(`${r.name} p95 ms`, Number(r.p95.toFixed(1)), limits.p95);
    over(`${r.name} p99 ms`, Number(r.p99.toFixed(1)), limits.p99);
  }
  return missed;
}
