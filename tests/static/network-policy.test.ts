/**
 * The Kubernetes settings an attacker would use if they were wrong (docs/security.md, "Operator
 * mistakes an attacker uses"), checked on the parsed manifests: only the ingress controller and
 * Prometheus reach the pods, and the shipped ConfigMap starts in production with SMTP over TLS
 * and a proxy hop count, never `TRUST_PROXY=true`.
 */
import { loadConfig } from '../../src/platform/config/config';
import { containersOf, k8s, read } from './deployment-files';

const policy = k8s('networkpolicy.yaml');
const deployment = k8s('deployment.yaml');
const workerDeployment = k8s('worker-deployment.yaml');
const api = containersOf(deployment)[0];

interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  podSelector?: unknown;
  ipBlock?: unknown;
}
interface Rule {
  from?: Peer[];
  ports?: Array<{ protocol?: string; port: string | number }>;
}
const rules: Rule[] = policy.spec.ingress ?? [];

/** Whether a selector's matchLabels are all carried by `labels` (what Kubernetes does). */
const selects = (matchLabels: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(matchLabels).every(([k, v]) => labels[k] === v);

/** The namespace labels a peer needs: undefined when the peer is not one labelled namespace. */
const namespaceLabel = (peer: Peer) => {
  const labels = peer.namespaceSelector?.matchLabels ?? {};
  const onlyLabels = !peer.ipBlock && !peer.namespaceSelector?.matchExpressions;
  return onlyLabels && Object.keys(labels).length > 0 ? labels : undefined;
};

describe('deploy/k8s NetworkPolicy', () => {
  it('when kustomize builds, then the NetworkPolicy is applied with the rest', () => {
    expect(policy.kind).toBe('NetworkPolicy');
    expect(k8s('kustomization.yaml').resources).toContain('networkpolicy.yaml');
  });

  it('when pods start, then the policy covers the API and the worker, for incoming traffic', () => {
    for (const d of [deployment, workerDeployment]) {
      expect(selects(policy.spec.podSelector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    }
    expect(policy.spec.policyTypes).toContain('Ingress');
  });

  it('when a connection comes in, then only peers in a labelled namespace may open it, to the API port only', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      // A rule without `from` (or with an empty peer) would admit every source in and out of the cluster.
      expect(rule.from?.length).toBeGreaterThan(0);
      for (const peer of rule.from ?? []) expect(namespaceLabel(peer)).toBeDefined();
      expect(rule.ports?.length).toBeGreaterThan(0);
      const apiPort = api.ports.find((p: { name: string }) => p.name === 'http');
      for (const port of rule.ports ?? []) {
        expect(port.protocol ?? 'TCP').toBe('TCP');
        expect([apiPort.name, apiPort.containerPort]).toContain(port.port);
      }
    }
  });

  it('when the checks see an open rule, then they report it', () => {
    expect(namespaceLabel({ namespaceSelector: {} })).toBeUndefined();
    expect(namespaceLabel({ ipBlock: { cidr: '0.0.0.0/0' } })).toBeUndefined();
    expect(namespaceLabel({ namespaceSelector: { matchLabels: { a: 'b' } } })).toEqual({ a: 'b' });
    expect(selects({ app: 'x' }, { app: 'y' })).toBe(false);
  });

  it('when an operator sets it up, then the README names exactly the namespace labels the policy selects (ingress and Prometheus)', () => {
    const labels = rules.flatMap((r) => (r.from ?? []).map((p) => namespaceLabel(p) ?? {}));
    const pairs = labels.flatMap((l) => Object.entries(l).map(([k, v]) => `${k}=${v}`));
    expect(pairs).toEqual(
      expect.arrayContaining([expect.stringMatching(/ingress/), expect.stringMatching(/metrics/)]),
    );
    const readme = read('deploy/k8s/README.md');
    for (const pair of pairs) expect(readme).toContain(pair);
  });
});

describe('deploy/k8s ConfigMap with real secrets', () => {
  const real = {
    ...k8s('configmap.yaml').data,
    SESSION_SECRET: 'a3f1c9e07b5d2468a3f1c9e07b5d2468a3f1c9e07b5d2468',
    DATABASE_URL: 'postgresql://app@db.internal:5432/otp',
    SMTP_HOST: 'smtp.example.com',
    METRICS_TOKEN: 'metrics-token-0123456789abcdef',
    ADMIN_API_KEYS: 'sha256:' + 'ab'.repeat(32),
  };

  it('when production starts from it, then SMTP requires TLS with verified certificates and the proxy is a hop count', () => {
    const config = loadConfig(real);
    expect(config.env).toBe('production');
    expect(config.email.smtp.secure || config.email.smtp.requireTls).toBe(true);
    expect(typeof config.trustProxy).toBe('number');
  });
});
