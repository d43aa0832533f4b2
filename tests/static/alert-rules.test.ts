import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describeWith } from '../helpers/services';

/**
 * The alert rules as Prometheus reads them: `promtool check rules` (syntax, PromQL, templates)
 * and `promtool test rules` (deploy/monitoring/alerts*.test.yml: each alert firing on its
 * series, and silent below its threshold or before its `for`). Without promtool the suite is
 * SKIPPED and the run's summary says so; under CI it must be there (.ci/run installs it).
 */
const monitoring = join(__dirname, '..', '..', 'deploy', 'monitoring');
const promtool = (...args: string[]) =>
  spawnSync('promtool', args, { cwd: monitoring, encoding: 'utf8', timeout: 60_000 });

describeWith('promtool', 'alert rules under promtool', () => {
  it('when promtool checks alerts.yml, then every rule parses', () => {
    const run = promtool('check', 'rules', 'alerts.yml');

    expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({
      status: 0,
      output: expect.stringMatching(/SUCCESS: \d+ rules found/),
    });
  });

  it('when promtool runs the unit tests, then every alert fires and stays silent where its cases say', () => {
    const run = promtool('test', 'rules', 'alerts.test.yml', 'alerts-daily.test.yml');

    expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});

interface RuleTest {
  alertname: string;
  exp_alerts: unknown[];
}

describe('alert rule unit tests', () => {
  it('when an alert is in alerts.yml, then a case sees it fire and a case sees it stay silent', () => {
    const read = (file: string) => parse(readFileSync(join(monitoring, file), 'utf8')) as unknown;
    const rules = read('alerts.yml') as { groups: Array<{ rules: Array<{ alert: string }> }> };
    const cases = ['alerts.test.yml', 'alerts-daily.test.yml'].flatMap((file) =>
      (read(file) as { tests: Array<{ alert_rule_test: RuleTest[] }> }).tests.flatMap(
        (t) => t.alert_rule_test,
      ),
    );
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts.length).toBeGreaterThanOrEqual(19);

    const coverage = alerts.map((alert) => ({
      alert,
      fires: cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0),
      silent: cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0),
    }));

    expect(coverage).toEqual(alerts.map((alert) => ({ alert, fires: true, silent: true })));
  });
});
