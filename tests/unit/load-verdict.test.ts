/**
 * The load test's own logic (scripts/load): the weighted mix, what counts as an error (429 is
 * reported, not an error), the open-model arrivals, and the verdict against thresholds.json.
 */
import { rows, verdict } from '../../scripts/load/report';
import { ENDPOINT_NAMES, loadScenario, testAccounts, weightedPicker } from '../../scripts/load/scenario';
import { newStats, record, runOpenModel } from '../../scripts/load/stats';

const scenario = loadScenario();
const spec = scenario.endpoints.users_me;
const answer = (status: number, ms = 10) => ({
  status,
  body: '',
  ms,
  error: status ? undefined : 'ECONNRESET',
});
const totals = { planned: 100, started: 100, dropped: 0, seconds: 10 };

describe('load test', () => {
  it('when endpoints are picked, then each comes up in proportion to its weight', () => {
    let i = 0;
    const steps = 1000;
    const pick = weightedPicker(scenario.endpoints, () => (i++ % steps) / steps);
    const counts = Object.fromEntries(ENDPOINT_NAMES.map((n) => [n, 0]));
    for (let k = 0; k < steps; k++) counts[pick()] += 1;
    const total = ENDPOINT_NAMES.reduce((sum, n) => sum + scenario.endpoints[n].weight, 0);
    for (const n of ENDPOINT_NAMES) expect(counts[n]).toBe((steps * scenario.endpoints[n].weight) / total);
  });

  it('when answers are recorded, then 5xx, connection errors and unexpected statuses are errors and 429 is counted apart', () => {
    const s = newStats('users_me');
    for (const status of [200, 200, 429, 503, 0, 404]) record(s, spec, answer(status));
    record(s, spec, undefined);
    expect(s).toMatchObject({ http5xx: 1, connectionErrors: 1, unexpected: 1, limited: 1, skipped: 1 });
    expect(s.statuses).toEqual({ '200': 2, '429': 1, '503': 1, ECONNRESET: 1, '404': 1 });
  });

  it('when a run has only 429s beyond its expected answers, then the short and full thresholds pass', () => {
    const s = newStats('users_me');
    for (let i = 0; i < 100; i++) record(s, spec, answer(i % 10 ? 200 : 429, 5));
    const table = rows([s], 10);
    expect(table[0]).toMatchObject({ requests: 100, rps: 10, limited: 10, p99: 5 });
    expect(verdict(table, totals, { all: { http5xx: 0, connectionErrors: 0 } })).toEqual([]);
  });

  it('when a threshold is missed, then the verdict names each one', () => {
    const s = newStats('users_me');
    for (let i = 1; i <= 100; i++) record(s, spec, answer(i === 50 ? 500 : i === 60 ? 0 : 200, i));
    const missed = verdict(
      rows([s], 10),
      { ...totals, started: 80, dropped: 20 },
      {
        all: { http5xx: 0, connectionErrors: 0, errorRate: 0.01, minRateRatio: 0.95 },
        endpoints: { users_me: { p95: 90, p99: 100 } },
      },
    );
    expect(missed).toEqual([
      '5xx answers 1 > 0',
      'connection errors 1 > 0',
      'error rate 0.02 > 0.01',
      'started 80.0 % of the planned requests < 95 %',
      'users_me p95 ms 95 > 90',
    ]);
  });

  it('when the service is slower than the arrivals, then requests past maxInFlight are dropped and counted, not queued', async () => {
    let peak = 0;
    let inFlight = 0;
    const run = await runOpenModel({
      rate: 200,
      seconds: 0.5,
      maxInFlight: 5,
      fire: async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 100));
        inFlight -= 1;
      },
    });
    expect(run.planned).toBeGreaterThanOrEqual(90);
    expect(peak).toBe(5);
    expect(run.started).toBeLessThan(run.planned / 2);
    expect(run.dropped).toBe(run.planned - run.started);
  });

  it("when LOAD_TEST_ACCOUNTS is given, then it replaces the scenario's accounts (the OTP_TEST_ACCOUNTS form)", () => {
    expect(testAccounts(scenario, undefined)).toHaveLength(scenario.testAccounts.count);
    expect(testAccounts(scenario, 'a@example.test:111111, b@example.test:222222')).toEqual([
      { email: 'a@example.test', code: '111111' },
      { email: 'b@example.test', code: '222222' },
    ]);
  });
});
