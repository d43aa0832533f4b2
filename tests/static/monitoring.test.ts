import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../../src/platform/metrics';
import { createBackendMetrics } from '../../src/platform/metrics-backends';
import client from 'prom-client';

const root = join(__dirname, '..', '..');
const BUILTIN = new Set(['up']);

/** Metric names the app registers (histograms also expose _bucket/_sum/_count). */
async function registeredNames(): Promise<Set<string>> {
  const metrics = createMetrics();
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`);
  }
  return names;
}

function metricNamesIn(expr: string): string[] {
  const words = expr.match(/\b[a-z_][a-z0-9_]*(?=\s*[{[])/g) ?? [];
  const functions = new Set(['rate', 'sum', 'increase', 'histogram_quantile', 'by', 'offset', 'le']);
  return words.filter((w) => !functions.has(w));
}

describe('monitoring assets', () => {
  it('when an alert rule names a metric, then the app exports that metric', async () => {
    const names = await registeredNames();
    const doc = parse(readFileSync(join(root, 'deploy/monitoring/alerts.yml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string; annotations?: { summary?: string } }> }>;
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) {
      expect(rule.annotations?.summary).toBeTruthy();
      const used = metricNamesIn(rule.expr);
      expect(used.length).toBeGreaterThan(0);
      for (const name of used) {
        if (!BUILTIN.has(name))
          expect({ rule: rule.alert, name, known: names.has(name) }).toEqual({
            rule: rule.alert,
            name,
            known: true,
          });
      }
    }
  });

  it('when a global hourly ceiling is reached or nearly spent, then a rule pages, and another files a ticket first', () => {
    const doc = parse(readFileSync(join(root, 'deploy/monitoring/alerts.yml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ expr: string; labels?: { severity?: string } }> }>;
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    const severityOf = (metric: string) =>
      rules.filter((r) => metricNamesIn(r.expr).includes(metric)).map((r) => r.labels?.severity);

    expect(severityOf('otp_global_ceiling_hits_total')).toContain('page');
    expect(severityOf('otp_global_ceiling_usage')).toContain('ticket');
  });

  it('when the dashboard charts a metric, then the app exports it, and the checklist figures are all charted', async () => {
    const names = await registeredNames();
    const dashboard = JSON.parse(
      readFileSync(join(root, 'deploy/monitoring/grafana-dashboard.json'), 'utf8'),
    ) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    for (const name of exprs.flatMap(metricNamesIn))
      expect({ name, known: names.has(name) }).toEqual({ name, known: true });
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join('|');
    for (const figure of [
      'otp request rate',
      'verification success rate',
      'session creation rate',
      'error rate',
    ]) {
      expect(titles).toContain(figure);
    }
  });

  it("when an alert names a series, or the operators' series exist, then a dashboard panel charts it", async () => {
    const dashboard = JSON.parse(
      readFileSync(join(root, 'deploy/monitoring/grafana-dashboard.json'), 'utf8'),
    ) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const charted = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNamesIn(t.expr))));
    const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    const chartedBase = new Set([...charted].map(base));
    const doc = parse(readFileSync(join(root, 'deploy/monitoring/alerts.yml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const alertSeries = doc.groups
      .flatMap((g) => g.rules)
      .flatMap((r) => metricNamesIn(r.expr).map((name) => ({ alert: r.alert, name })))
      .filter(({ name }) => !BUILTIN.has(name));
    const registry = new client.Registry();
    createBackendMetrics(registry);
    const backend = (await registry.getMetricsAsJSON()).map((m) => m.name);

    for (const { alert, name } of alertSeries)
      expect({ alert, name, charted: chartedBase.has(base(name)) }).toEqual({ alert, name, charted: true });
    for (const name of backend)
      expect({ name, charted: chartedBase.has(name) }).toEqual({ name, charted: true });
  });
});
