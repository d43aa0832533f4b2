/** The results table of `npm run bench` (scripts/bench.ts). */
import type { Row } from './autocannon';

/** Every row with its ratios to the mean of the baselines (measured before and after the service). */
export function printTable(baselines: Row[], rows: Row[]) {
  const mean = (f: (r: Row) => number) => baselines.reduce((sum, r) => sum + f(r), 0) / baselines.length;
  const baseline = mean((r) => r.rps);
  const baseCpu = mean((r) => r.cpuUs);
  console.log(
    '| endpoint | req/s | p50 ms | p99 ms | errors | statuses | peak RSS MB | ratio | CPU µs/req | CPU ratio |',
  );
  console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|---:|');
  for (const r of [baselines[0], ...rows, ...baselines.slice(1)]) {
    console.log(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.statuses} | ${r.rssMb.toFixed(0)} | ${(r.rps / baseline).toFixed(2)} | ${r.cpuUs.toFixed(0)} | ${(baseCpu / r.cpuUs).toFixed(2)} |`,
    );
  }
  console.log(
    "\nratio = req/s ÷ the mean of the two baselines in this run; CPU ratio = the baselines' mean CPU per request ÷ this CPU per request (what one dedicated core would give).",
  );
}
