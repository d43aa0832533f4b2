/**
 * scripts/load/k6.js cannot run here (no k6 binary), so it is run in a VM module with stand-ins
 * for k6's modules and globals: it must read the shared scenario and thresholds files, turn
 * them into k6's options, and send every endpoint of the mix as `npm run load` does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { loadScenario, loadThresholds, ENDPOINT_NAMES, type EndpointName } from '../../scripts/load/scenario';
import { root } from './deployment-files';

const dir = join(root, 'scripts', 'load');
const source = readFileSync(join(dir, 'k6.js'), 'utf8');
const scenario = loadScenario();

interface Sent {
  method: string;
  url: string;
  body: any;
  endpoint: string;
}

/** Runs k6.js's init code and `iterations` iterations; returns its options, what it opened and sent. */
async function runK6(env: Record<string, string>, iterations: number) {
  const opened: string[] = [];
  const sent: Sent[] = [];
  const context = vm.createContext({
    __ENV: env,
    __VU: 1,
    open: (path: string) => {
      opened.push(path);
      return readFileSync(join(dir, path), 'utf8');
    },
  });
  const http = {
    request: (method: string, url: string, body: string | null, params: any) => {
      sent.push({ method, url, body: body && JSON.parse(body), endpoint: params.tags.endpoint });
      // Each answer is the one the scenario expects of the endpoint the request is tagged with.
      const status = scenario.endpoints[params.tags.endpoint as EndpointName]?.expect[0] ?? 0;
      return { status, json: () => ({ accessToken: 'access', refreshToken: `refresh-${sent.length}` }) };
    },
  };
  class Metric {
    add() {}
  }
  const stubs: Record<string, Record<string, unknown>> = {
    'k6/http': { default: http },
    'k6/metrics': { Counter: Metric, Rate: Metric },
  };
  const mod = new vm.SourceTextModule(source, { context });
  await mod.link(async (specifier) => {
    const exports = stubs[specifier];
    const synthetic = new vm.SyntheticModule(
      Object.keys(exports),
      function () {
        for (const [k, v] of Object.entries(exports)) this.setExport(k, v);
      },
      { context },
    );
    return synthetic;
  });
  await mod.evaluate();
  const ns = mod.namespace as { options: any; default: () => void };
  for (let i = 0; i < iterations; i++) ns.default();
  return { options: ns.options, opened, sent };
}

describe('scripts/load/k6.js', () => {
  it('when k6 loads it, then it opens the shared scenario and thresholds files next to it', async () => {
    const { opened } = await runK6({}, 0);
    expect(opened.sort()).toEqual(['./scenario.json', './thresholds.json']);
  });

  it("when it runs, then every endpoint of the scenario is sent with the scenario's method and path, tagged by name", async () => {
    const { sent } = await runK6({ BASE_URL: 'http://target.test' }, 400);
    for (const name of ENDPOINT_NAMES) {
      const spec = scenario.endpoints[name];
      const mine = sent.filter((s) => s.endpoint === name);
      expect(mine.length).toBeGreaterThan(0);
      for (const s of mine)
        expect([s.method, s.url]).toEqual([spec.method, `http://target.test${spec.path}`]);
    }
    // A right code is a test account's fixed code, asked for first; refresh presents the newest token.
    const right = sent.filter((s) => s.endpoint === 'verify_right_code');
    expect(right.every((s) => s.body.code === scenario.testAccounts.code)).toBe(true);
    const rights = sent.findIndex((s) => s.endpoint === 'verify_right_code');
    expect(sent[rights - 1]).toMatchObject({
      endpoint: 'request_code',
      body: { email: sent[rights].body.email },
    });
    expect(
      sent
        .filter((s) => s.endpoint === 'verify_wrong_code')
        .every((s) => s.body.code !== scenario.testAccounts.code),
    ).toBe(true);
  });

  it("when its options are built, then the rate, duration and thresholds are the scenario's and thresholds.json's", async () => {
    const full = loadThresholds().full;
    const { options } = await runK6({}, 0);
    expect(options.scenarios.mix).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: scenario.rate,
      duration: `${scenario.duration}s`,
    });
    for (const [name, l] of Object.entries(full.endpoints ?? {}))
      expect(options.thresholds[`http_req_duration{endpoint:${name}}`]).toEqual([
        `p(95)<=${l.p95}`,
        `p(99)<=${l.p99}`,
      ]);
    expect(options.thresholds.http_5xx).toEqual([`count<=${full.all.http5xx}`]);
    expect(options.thresholds.connection_errors).toEqual([`count<=${full.all.connectionErrors}`]);

    const short = await runK6({ SHORT: '1' }, 0);
    expect(short.options.scenarios.mix).toMatchObject({
      duration: `${scenario.shortDuration}s`,
      rate: scenario.shortRate,
    });
    expect(Object.keys(short.options.thresholds).sort()).toEqual(['connection_errors', 'http_5xx']);
  });
});
