/**
 * The Kubernetes settings an attacker would use if they were wrong (docs/security.md, "Operator
 * mistakes an attacker uses"), checked on the parsed manifests: only the ingress controller and
 * Prometheus reach the pods, the shipped ConfigMap starts in production with SMTP over TLS
 * and a proxy hop count (never `TRUST_PROXY=true`), and the compose stack sends its mail over
 * STARTTLS to a mailpit whose certificate the api trusts, with certificate checks on.
 */
import { loadConfig } from '../../src/platform/config/config';
import { containersOf, k8s, read, readYaml, serviceEnv } from './deployment-files';

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

describe('docker-compose.yml mail over TLS', () => {
  const services = readYaml('docker-compose.yml').services as Record<string, any>;
  const mounts = (service: any) =>
    new Map<string, string>(
      (service.volumes ?? []).map((v: string) => {
        const [volume, path] = String(v).split(':');
        return [path, volume];
      }),
    );
  const volumeOf = (service: any, file: string) =>
    [...mounts(service)].find(([path]) => file.startsWith(`${path}/`))?.[1];

  it('when the production api sends mail, then TLS is required and the certificate it trusts is the one mailpit serves', () => {
    for (const name of ['api', 'worker']) {
      const env = serviceEnv(services[name]);
      expect(env.SMTP_REQUIRE_TLS ?? 'true').toBe('true');
      expect(env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
      const mailpitEnv = services.mailpit.environment;
      expect(env.NODE_EXTRA_CA_CERTS).toBe(mailpitEnv.MP_SMTP_TLS_CERT);
      expect(volumeOf(services[name], env.NODE_EXTRA_CA_CERTS)).toBeDefined();
      expect(volumeOf(services[name], env.NODE_EXTRA_CA_CERTS)).toBe(
        volumeOf(services.mailpit, mailpitEnv.MP_SMTP_TLS_CERT),
      );
    }
    expect(String(services.mailpit.environment.MP_SMTP_REQUIRE_STARTTLS)).toBe('true');
  });

  it('when the api config is loaded from compose with real secrets, then production starts with TLS required, and refuses the example admin key', () => {
    const env = {
      ...serviceEnv(services.api),
      SESSION_SECRET: 'a3f1c9e07b5d2468a3f1c9e07b5d2468a3f1c9e07b5d2468',
      METRICS_TOKEN: 'metrics-token-0123456789abcdef',
      ADMIN_API_KEYS: 'sha256:' + 'cd'.repeat(32),
    };
    expect(loadConfig(env).email.smtp.requireTls).toBe(true);
    expect(() => loadConfig({ ...env, ADMIN_API_KEYS: serviceEnv(services.api).ADMIN_API_KEYS })).toThrow(
      /ADMIN_API_KEYS entry 1 is a placeholder/,
    );
  });
});
