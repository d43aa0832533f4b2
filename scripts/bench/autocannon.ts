/** autocannon for `npm run bench` (scripts/bench.ts): its types, the run settings and one measured row. */
import { createRequire } from 'node:module';
import { cpuMs, rssKb } from './process-sampling';

/** The part of autocannon's API used here (the package ships no types). */
export interface CannonRequest {
  setupRequest?: (req: { headers?: Record<string, string>; body?: string }) => object;
  onResponse?: (status: number, body: string) => void;
}
export interface CannonOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  requests?: CannonRequest[];
  connections?: number;
  duration?: number;
}
export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
export const autocannon = createRequire(__filename)('autocannon') as (
  o: CannonOptions,
) => Promise<CannonResult>;

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
export const WARMUP_SECONDS = 3;

export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: string;
  rssMb: number;
  /** CPU time the server spent per request: robust to other load on the machine, unlike req/s. */
  cpuUs: number;
}

export async function measure(name: string, pid: number, opts: CannonOptions): Promise<Row> {
  await autocannon({ ...opts, connections: CONNECTIONS, duration: WARMUP_SECONDS });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 100);
  const cpuBefore = cpuMs(pid);
  const r = await autocannon({ ...opts, connections: CONNECTIONS, duration: SECONDS });
  const cpuUsed = cpuMs(pid) - cpuBefore;
  clearInterval(sampler);
  peak = Math.max(peak, rssKb(pid));
  const codes = Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => `${code}×${s.count}`);
  const fiveHundreds = Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => Number(code) >= 500)
    .reduce((n, [, s]) => n + s.count, 0);
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + fiveHundreds,
    statuses: codes.join(' '),
    rssMb: peak / 1024,
    cpuUs: (cpuUsed * 1000) / Math.max(1, r.requests.total),
  };
}
