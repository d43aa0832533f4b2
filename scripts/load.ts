/**
 * `npm run load`: the scenario mix of scripts/load/scenario.json (request a code, verify a
 * wrong code, sign a test account in with its fixed code, refresh, GET /v1/users/me) at a
 * constant arrival rate for a duration, then per endpoint: throughput, p50/p95/p99, 5xx,
 * connection errors, unexpected statuses and 429s. Exits 1 when a threshold of
 * scripts/load/thresholds.json is missed. scripts/load/k6.js runs the same mix under k6.
 *
 *   npm run load                      # the full run (scenario duration and rate)
 *   npm run load -- --short           # 30 s at the short rate, thresholds "short" (zero 5xx and connection errors)
 *   npm run load -- --duration 120 --rate 300 --url https://staging.example.com
 *   npm run load -- --store pglite    # the embedded database instead of PostgreSQL + Redis
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createEndpoints } from './load/endpoints';
import { createClient } from './load/http';
import { printRows, rows, verdict } from './load/report';
import {
  ENDPOINT_NAMES,
  loadScenario,
  loadThresholds,
  testAccounts,
  testAccountsEnv,
  weightedPicker,
} from './load/scenario';
import { startService, type RunningService, type Store } from './load/service';
import { newStats, record, runOpenModel } from './load/stats';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    duration: { type: 'string' },
    rate: { type: 'string' },
    url: { type: 'string' },
    store: { type: 'string', default: 'auto' },
  },
});

async function main() {
  const scenario = loadScenario();
  const mode = args.short ? 'short' : 'full';
  const thresholds = loadThresholds()[mode];
  const seconds = Number(args.duration ?? (args.short ? scenario.shortDuration : scenario.duration));
  const rate = Number(args.rate ?? (args.short ? scenario.shortRate : scenario.rate));
  if (!(seconds > 0) || !(rate > 0)) throw new Error('--duration and --rate must be positive numbers');
  if (!['auto', 'postgres', 'pglite'].includes(String(args.store)))
    throw new Error('--store: auto, postgres or pglite');
  const accounts = testAccounts(scenario);

  let service: RunningService | undefined;
  if (!args.url) service = await startService(args.store as Store, testAccountsEnv(accounts));
  const url = args.url ?? (service as RunningService).url;
  const client = createClient(url, scenario.maxInFlight, scenario.timeoutMs);
  try {
    const stats = Object.fromEntries(ENDPOINT_NAMES.map((n) => [n, newStats(n)]));
    let measuring = false;
    const endpoints = createEndpoints(client, scenario, accounts, (asked) => {
      if (measuring) record(stats.request_code, scenario.endpoints.request_code, asked);
    });
    await endpoints.seed(scenario.seedSessions);
    measuring = true;
    const pick = weightedPicker(scenario.endpoints);
    console.log(`load: ${mode} run, ${rate} req/s for ${seconds} s against ${url}`);
    const totals = await runOpenModel({
      rate,
      seconds,
      maxInFlight: scenario.maxInFlight,
      fire: async () => {
        const name = pick();
        record(stats[name], scenario.endpoints[name], await endpoints.run[name]());
      },
    });
    const table = rows(Object.values(stats), totals.seconds);
    const cpu = os.cpus();
    console.log(
      `\n${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; target: ${service ? service.description : url}\n`,
    );
    printRows(table, totals);
    const missed = verdict(table, totals, thresholds);
    if (missed.length) {
      console.error(
        `\nload: FAILED (${mode} thresholds, scripts/load/thresholds.json):\n- ${missed.join('\n- ')}`,
      );
      process.exitCode = 1;
    } else console.log(`\nload: passed the ${mode} thresholds (scripts/load/thresholds.json)`);
  } finally {
    client.close();
    await service?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
