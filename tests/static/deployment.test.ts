/**
 * The deployment invariants that protect production, checked on the parsed files (YAML with
 * `yaml`, the Dockerfile by stage, env files as dotenv) and, where the file is code, by running
 * it: the image runs as non-root with production dependencies only and no secret baked in,
 * every way of starting node uses the same V8 flags and fits its memory limit, the probes hit
 * the real health endpoints, the shipped example settings are refused by production's config
 * validation until their placeholders are replaced (operational-scripts.test.ts runs the
 * scripts). Checks that only restated a file's text are left out. docker-compose.yml's services:
 * compose-deployment.test.ts; the CI workflow: ci-workflow.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/platform/config/config';
import {
  root,
  read,
  readYaml,
  k8s,
  npmScripts,
  HEAP_FLAGS,
  parseDockerfile,
  finalStageUser,
  isNonRootUser,
  containersOf,
} from './deployment-files';

const compose = readYaml('docker-compose.yml');
const services = compose.services as Record<string, any>;
const dockerfile = read('Dockerfile');
const stages = parseDockerfile(dockerfile);
const runtime = stages[stages.length - 1];
const instructions = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword);
const deployment = k8s('deployment.yaml');
const api = containersOf(deployment)[0];
const workerDeployment = k8s('worker-deployment.yaml');
const worker = containersOf(workerDeployment)[0];

/** Kubernetes memory quantity in MiB (Mi and Gi suffixes). */
const mebibytes = (quantity: string): number => {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};
const flagValue = (name: string) => Number(HEAP_FLAGS.find((f) => f.startsWith(`--${name}=`))?.split('=')[1]);

// ---------------------------------------------------------------- node flags

describe('node flags', () => {
  it('when npm start and npm run worker start node, then both set the same old-space ceiling, young generation, heap growth and V8 thread pool', () => {
    expect(HEAP_FLAGS).toEqual([
      expect.stringMatching(/^--max-old-space-size=\d+$/),
      expect.stringMatching(/^--max-semi-space-size=\d+$/),
      expect.stringMatching(/^--heap-growing-percent=\d+$/),
      expect.stringMatching(/^--v8-pool-size=\d+$/),
    ]);
    expect(npmScripts.start).toBe(`node ${HEAP_FLAGS.join(' ')} dist/main.js`);
    expect(npmScripts.worker).toBe(`node ${HEAP_FLAGS.join(' ')} dist/worker.js`);
  });

  it('when the image, compose and Kubernetes start the API or the worker, then they pass the same flags', () => {
    const cmd = instructions('CMD');
    expect(JSON.parse(cmd[cmd.length - 1].args)).toEqual(['node', ...HEAP_FLAGS, 'dist/main.js']);
    expect([].concat(services.worker.command)).toEqual(['node', ...HEAP_FLAGS, 'dist/worker.js']);
    expect(services.worker.image).toBe(services.api.image);
    expect([...(worker.command ?? []), ...(worker.args ?? [])]).toEqual([
      'node',
      ...HEAP_FLAGS,
      'dist/worker.js',
    ]);
  });

  it('when a pod reaches its heap ceiling, then it is still under its memory limit (requests and limits set)', () => {
    const heapMiB = flagValue('max-old-space-size') + 3 * flagValue('max-semi-space-size');
    for (const c of [api, worker]) {
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(mebibytes(c.resources.limits.memory)).toBeGreaterThan(heapMiB);
    }
  });
});

// ---------------------------------------------------------------- image

describe('Dockerfile', () => {
  it('when the final stage runs, then its USER is not root', () => {
    expect(isNonRootUser(finalStageUser(dockerfile))).toBe(true);
  });

  it('when the check sees a root or missing USER in the last stage, then it fails', () => {
    const good = 'FROM a AS build\nUSER node\nFROM b\nUSER node\nCMD ["x"]\n';
    expect(isNonRootUser(finalStageUser(good))).toBe(true);
    expect(isNonRootUser(finalStageUser('FROM a AS build\nUSER node\nFROM b\nCMD ["x"]\n'))).toBe(false);
    expect(isNonRootUser(finalStageUser('FROM b\nUSER node\nUSER root\n'))).toBe(false);
    expect(isNonRootUser(finalStageUser('FROM b\nUSER 0:0\n'))).toBe(false);
    expect(parseDockerfile('FROM b\nRUN a \\\n  && b\n')[0].instructions[0].args).toBe('a && b');
  });

  it('when the runtime stage installs, then it has production dependencies only and the compiled code from the build', () => {
    expect(instructions('RUN').some((i) => /\bnpm ci\b[^&|;]*--omit=dev/.test(i.args))).toBe(true);
    expect(instructions('COPY').some((i) => /--from=\S+/.test(i.args) && /\bdist\b/.test(i.args))).toBe(true);
    expect(instructions('ENV').some((i) => /NODE_ENV=production/.test(i.args))).toBe(true);
    // The hosted page's files are served from src/ (src/modules/hosted-ui/hosted-ui.module.ts).
    expect(instructions('COPY').some((i) => /src\/modules\/hosted-ui\/public/.test(i.args))).toBe(true);
  });

  it('when the image is built, then no secret is baked in: none set by ENV/ARG, and .env, data and .git stay out of the context', () => {
    const secretish = /\b[A-Z_]*(SECRET|PASSWORD|TOKEN|API_KEY|API_KEYS)[A-Z_]*\s*=/;
    const baked = stages
      .flatMap((s) => s.instructions)
      .filter((i) => ['ENV', 'ARG'].includes(i.keyword) && secretish.test(i.args));
    expect(baked).toEqual([]);
    const ignored = read('.dockerignore')
      .split(/\r?\n/)
      .map((l) => l.trim());
    for (const entry of ['.env', '.env.*', 'data', '.git']) expect(ignored).toContain(entry);
  });

  it('when the container is checked, then its HEALTHCHECK asks /health/live on the port it listens on', () => {
    const healthchecks = instructions('HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0].args).toContain('/health/live');
    expect(instructions('EXPOSE').map((i) => i.args)).toContain('5000');
  });
});

// ---------------------------------------------------------------- Kubernetes

describe('deploy/k8s', () => {
  it('when the API pods are probed, then readiness is /health/ready and liveness/startup are /health/live, on the container port', () => {
    expect(api.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(api.livenessProbe.httpGet.path).toBe('/health/live');
    expect(api.startupProbe.httpGet.path).toBe('/health/live');
    const portNames = api.ports.map((p: any) => p.name);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const port = api[probe].httpGet.port;
      expect(port === 5000 || portNames.includes(port)).toBe(true);
    }
    expect(api.ports.map((p: any) => p.containerPort)).toContain(5000);
  });

  it('when the API and worker pods run, then they are non-root, read-only and cannot escalate', () => {
    for (const [pod, c] of [
      [deployment, api],
      [workerDeployment, worker],
    ]) {
      expect(pod.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    }
  });

  it('when a rollout happens, then 2+ replicas stay up and the preStop sleep plus the shutdown grace fit the termination grace', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const [command, seconds] = api.lifecycle.preStop.exec.command;
    expect(command).toBe('sleep');
    const shutdownSeconds = Number(k8s('configmap.yaml').data.SHUTDOWN_GRACE_MS) / 1000;
    expect(Number(seconds) + shutdownSeconds).toBeLessThan(
      deployment.spec.template.spec.terminationGracePeriodSeconds,
    );
  });

  it('when config is loaded, then it comes from the ConfigMap and the Secret that exist, for the worker too', () => {
    const configMap = k8s('configmap.yaml');
    const secret = k8s('secret.example.yaml');
    expect(api.envFrom).toEqual(
      expect.arrayContaining([
        { configMapRef: { name: configMap.metadata.name } },
        { secretRef: { name: secret.metadata.name } },
      ]),
    );
    expect(worker.envFrom).toEqual(api.envFrom);
    // Credentials live in the Secret only.
    for (const name of ['SESSION_SECRET', 'DATABASE_URL', 'METRICS_TOKEN', 'ADMIN_API_KEYS']) {
      expect(Object.keys(secret.stringData)).toContain(name);
      expect(Object.keys(configMap.data)).not.toContain(name);
    }
  });

  it('when the Secret template is applied unchanged, then production config validation refuses to start', () => {
    const env = { ...k8s('configmap.yaml').data, ...k8s('secret.example.yaml').stringData };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig(env)).toThrow(/METRICS_TOKEN/);
  });

  it('when traffic is routed, then the Service, PDB and HPA target the API pods', () => {
    const labels = deployment.spec.template.metadata.labels;
    const service = k8s('service.yaml');
    expect(labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe(api.ports[0].name);
    expect(labels).toMatchObject(k8s('pdb.yaml').spec.selector.matchLabels);
    const hpa = k8s('hpa.yaml');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it('when kustomize builds, then every resource exists and the secret template is left out', () => {
    const kustomization = k8s('kustomization.yaml');
    for (const file of kustomization.resources) {
      expect(existsSync(join(root, 'deploy', 'k8s', 'base', file))).toBe(true);
    }
    expect(kustomization.resources).not.toContain('secret.example.yaml');
  });
});
