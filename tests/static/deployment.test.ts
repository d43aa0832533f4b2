/**
 * Static checks of the deployment files: docker-compose, the CI workflow, Dependabot, the
 * Dockerfile, the Kubernetes manifests, the env example and the operational scripts.
 * Each file is parsed (YAML with `yaml`, the Dockerfile by stage, scripts by `bash -n` and by
 * running them against stub tools), never grepped as a whole. The checker functions are
 * also run on broken variants, so a check that cannot fail is caught here too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const readYaml = (file: string): any => parse(read(file));

/**
 * The V8 flags `npm start` runs the service with (docs/performance.md, memory): every other way
 * of starting the API or the worker (image, compose, Kubernetes) must pass the same ones.
 */
const npmScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const HEAP_FLAGS = npmScripts.start.split(' ').filter((a) => a.startsWith('--'));

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
});

// ---------------------------------------------------------------- helpers

type Env = Record<string, string>;

/** Parses KEY=value lines of a dotenv file (comments and blank lines skipped). */
function parseDotenv(text: string): Env {
  const env: Env = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/** compose `environment:` in either map or list form. */
function composeEnvironment(environment: unknown): Env {
  if (!environment) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry: string) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment as Record<string, unknown>).map(([k, v]) => [k, v == null ? '' : String(v)]),
  );
}

/** Names of the env files of a compose service (string, list of strings or list of {path}). */
function envFiles(service: any): string[] {
  const raw = service.env_file;
  if (!raw) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((entry: any) => (typeof entry === 'string' ? entry : entry.path));
}

/**
 * What a compose service sees: its env files (a missing `.env.docker` is read from its
 * committed `.example`) overlaid by `environment:`, as compose does.
 */
function serviceEnv(service: any): Env {
  let env: Env = {};
  for (const file of envFiles(service)) {
    const path = join(root, file);
    const source = existsSync(path) ? path : `${path}.example`;
    env = { ...env, ...parseDotenv(readFileSync(source, 'utf8')) };
  }
  return { ...env, ...composeEnvironment(service.environment) };
}

/** depends_on entries with their condition (short list form means service_started). */
function dependsOn(service: any): Record<string, string> {
  const raw = service.depends_on;
  if (!raw) return {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name: string) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(raw as Record<string, any>).map(([name, spec]) => [
      name,
      spec?.condition ?? 'service_started',
    ]),
  );
}

/** A service has a working healthcheck: a test that is not NONE and not disabled. */
function hasHealthcheck(service: any): boolean {
  const hc = service.healthcheck;
  if (!hc || hc.disable === true) return false;
  const test = hc.test;
  if (Array.isArray(test)) return test.length > 1 && test[0] !== 'NONE';
  return typeof test === 'string' && test.trim().length > 0;
}

/** Named volumes a service mounts (short "name:/path" or long {type: volume, source}). */
function namedVolumesOf(service: any): string[] {
  const names: string[] = [];
  for (const v of service.volumes ?? []) {
    if (typeof v === 'string') {
      const source = v.split(':')[0];
      if (v.includes(':') && !/^[./~$]/.test(source)) names.push(source);
    } else if (v && (v.type ?? 'volume') === 'volume' && v.source) {
      names.push(v.source);
    }
  }
  return names;
}

/** Problems with the named volumes of a compose file: undeclared ones used, declared ones unused. */
function volumeProblems(compose: any): string[] {
  const declared = Object.keys(compose.volumes ?? {});
  const used = new Set(Object.values<any>(compose.services).flatMap(namedVolumesOf));
  const problems: string[] = [];
  for (const name of used) if (!declared.includes(name)) problems.push(`${name} used but not declared`);
  for (const name of declared) if (!used.has(name)) problems.push(`${name} declared but not used`);
  return problems;
}

interface DockerInstruction {
  keyword: string;
  args: string;
}
interface DockerStage {
  from: string;
  name?: string;
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into stages of instructions (continuations joined, comments dropped). */
function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (current && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1).trimEnd() + ' ';
      continue;
    }
    logical.push((current + line).trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());

  const stages: DockerStage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const args = m[2];
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({ from: from?.[1] ?? '', name: from?.[2], instructions: [] });
    } else if (stages.length) {
      stages[stages.length - 1].instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The user the final stage runs as (the last USER in it), or undefined if none. */
function finalStageUser(text: string): string | undefined {
  const stages = parseDockerfile(text);
  const users = (stages[stages.length - 1]?.instructions ?? []).filter((i) => i.keyword === 'USER');
  return users.length ? users[users.length - 1].args.split(':')[0].trim() : undefined;
}

const isNonRootUser = (user: string | undefined): boolean =>
  user !== undefined && user !== '' && user !== 'root' && user !== '0';

/** Every `run:` of a workflow job, in order. */
const runSteps = (job: any): string[] =>
  (job.steps ?? []).map((s: any) => s.run).filter((r: unknown): r is string => typeof r === 'string');

/** Env of a step as the runner sees it: workflow env < job env < step env. */
const stepEnv = (workflow: any, job: any, step: any): Env => ({
  ...(workflow.env ?? {}),
  ...(job.env ?? {}),
  ...(step.env ?? {}),
});

const isMongoUrl = (value: string | undefined): boolean => /^mongodb(\+srv)?:\/\//.test(value ?? '');

/** Containers of a Deployment manifest. */
const containersOf = (deployment: any): any[] => deployment.spec.template.spec.containers;

// ---------------------------------------------------------------- docker-compose

describe('docker-compose.yml', () => {
  const compose = readYaml('docker-compose.yml');
  const services = compose.services as Record<string, any>;

  it('when parsed, then it names the api, mongo, redis and mailpit services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['api', 'mongo', 'redis', 'mailpit']));
  });

  it('when the api starts, then it waits for healthy mongo and redis', () => {
    const deps = dependsOn(services.api);
    expect(deps.mongo).toBe('service_healthy');
    expect(deps.redis).toBe('service_healthy');
  });

  it('when the api reads its environment, then DATABASE_URL is a mongodb URL and REDIS_URL points at redis', () => {
    const env = serviceEnv(services.api);
    expect(isMongoUrl(env.DATABASE_URL)).toBe(true);
    expect(new URL(env.DATABASE_URL).hostname).toBe('mongo');
    expect(new URL(env.DATABASE_URL).searchParams.get('replicaSet')).toBe('rs0');
    expect(env.REDIS_URL).toMatch(/^rediss?:\/\/redis(:\d+)?\/?/);
  });

  it('when the api runs, then it is in production mode with SMTP to mailpit', () => {
    const env = serviceEnv(services.api);
    expect(env.NODE_ENV).toBe('production');
    expect(env.SMTP_HOST).toBe('mailpit');
    expect(env.SMTP_PORT).toBe('1025');
    expect(envFiles(services.api)).toContain('.env.docker');
  });

  it('when mongo starts, then it runs as replica set rs0 and its healthcheck initiates it', () => {
    const command = services.mongo.command;
    const args: string[] = Array.isArray(command) ? command : String(command).split(/\s+/);
    expect(args[args.indexOf('--replSet') + 1]).toBe('rs0');
    expect(args).toContain('--replSet');
    const test = [].concat(services.mongo.healthcheck.test).join(' ');
    expect(test).toContain('rs.initiate(');
    expect(test).toContain("host:'mongo:27017'");
  });

  it('when any service runs, then it has a healthcheck', () => {
    const without = Object.entries(services)
      .filter(([, service]) => !hasHealthcheck(service))
      .map(([name]) => name);
    expect(without).toEqual([]);
  });

  it('when redis and mailpit are checked, then redis answers redis-cli ping and mailpit serves 8025 on the loopback interface', () => {
    expect(services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(services.mailpit.image).toMatch(/^axllent\/mailpit/);
    expect(services.mailpit.ports.map(String)).toContain('127.0.0.1:8025:8025');
  });

  it('when data is stored, then mongo and redis use named volumes that are declared', () => {
    expect(volumeProblems(compose)).toEqual([]);
    expect(namedVolumesOf(services.mongo).length).toBeGreaterThan(0);
    expect(namedVolumesOf(services.redis).length).toBeGreaterThan(0);
  });

  it('when a worker service exists, then it runs dist/worker.js from the same build', () => {
    const worker = services.worker;
    expect(worker).toBeDefined();
    expect([].concat(worker.command)).toEqual(['node', ...HEAP_FLAGS, 'dist/worker.js']);
    expect(worker.image).toBe(services.api.image);
  });

  it('when the checks see a broken compose file, then they report it', () => {
    expect(dependsOn({ depends_on: ['mongo'] }).mongo).toBe('service_started');
    expect(hasHealthcheck({ healthcheck: { disable: true } })).toBe(false);
    expect(hasHealthcheck({ healthcheck: { test: ['NONE'] } })).toBe(false);
    expect(hasHealthcheck({})).toBe(false);
    expect(volumeProblems({ services: { a: { volumes: ['data:/x'] } }, volumes: {} })).toEqual([
      'data used but not declared',
    ]);
    expect(volumeProblems({ services: { a: { volumes: ['./local:/x'] } }, volumes: { data: null } })).toEqual(
      ['data declared but not used'],
    );
    expect(isMongoUrl('postgresql://x/y')).toBe(false);
  });
});

// ---------------------------------------------------------------- .env.docker.example

describe('.env.docker.example', () => {
  const example = parseDotenv(read('.env.docker.example'));
  const compose = readYaml('docker-compose.yml');
  // What the api needs in production (docs/deployment.md, Production configuration) plus what compose wires up.
  const needed = [
    'NODE_ENV',
    'PORT',
    'SESSION_SECRET',
    'DATABASE_URL',
    'REDIS_URL',
    'SMTP_HOST',
    'SMTP_PORT',
    'SMTP_FROM',
    'CORS_ORIGIN',
    'METRICS_TOKEN',
    'ADMIN_API_KEYS',
  ];

  it('when read, then it defines every variable the api service needs', () => {
    expect(needed.filter((name) => !(name in example))).toEqual([]);
  });

  it('when the api variables are listed, then every one compose sets is documented in the example', () => {
    const fromCompose = Object.keys(composeEnvironment(compose.services.api.environment));
    expect(fromCompose.filter((name) => !(name in example))).toEqual([]);
  });

  it('when copied unchanged, then SESSION_SECRET is a placeholder the app refuses (< 32 bytes)', () => {
    expect(example.SESSION_SECRET).toMatch(/CHANGE_ME/);
    expect(Buffer.byteLength(example.SESSION_SECRET)).toBeLessThan(32);
  });

  it('when production rules apply, then CORS_ORIGIN is not * and METRICS_TOKEN is set', () => {
    expect(example.CORS_ORIGIN).toBe('http://localhost:3000');
    expect(example.METRICS_TOKEN).not.toBe('');
    expect(example.SMTP_FROM).toMatch(/@/);
  });
});

// ---------------------------------------------------------------- CI workflow

describe('.github/workflows/ci.yml', () => {
  const workflow = readYaml('.github/workflows/ci.yml');
  const jobs = workflow.jobs as Record<string, any>;
  const testJob = Object.values(jobs).find((job) => job.services?.redis && job.services?.postgres);

  it('when pushed or opened as a pull request, then the workflow runs', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('when the tests run, then a job has redis and postgres containers and MongoDB as a replica set', () => {
    expect(testJob).toBeDefined();
    const mongoStep = runSteps(testJob).find((r: string) => /docker run .*mongo:7/.test(r));
    expect(mongoStep).toMatch(/--replSet rs0/);
    expect(mongoStep).toMatch(/rs\.initiate/);
    expect(testJob.services.redis.image).toMatch(/^redis:7/);
    expect(testJob.services.postgres.image).toMatch(/^postgres:15/);
    expect(testJob.services.postgres.env).toMatchObject({
      POSTGRES_HOST_AUTH_METHOD: 'trust',
      POSTGRES_DB: 'test',
    });
    for (const name of ['redis', 'postgres']) {
      expect(testJob.services[name].options).toMatch(/--health-cmd/);
    }
  });

  it('when the test step runs, then TEST_MONGODB_URL, TEST_DATABASE_URL and TEST_REDIS_URL are set', () => {
    const step = testJob.steps.find((s: any) => s.run === 'npm test');
    expect(step).toBeDefined();
    const env = stepEnv(workflow, testJob, step);
    expect(isMongoUrl(env.TEST_MONGODB_URL)).toBe(true);
    expect(env.TEST_MONGODB_URL).toContain('replicaSet=rs0');
    expect(env.TEST_DATABASE_URL).toBe('postgresql://postgres@localhost:5432/test');
    expect(env.TEST_REDIS_URL).toBe('redis://localhost:6379');
    expect(String(env.CI)).toBe('true');
  });

  it('when the job runs, then it installs with npm ci, then lints, typechecks, tests and audits', () => {
    const runs = runSteps(testJob);
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    const order = [
      at(/^npm ci\b/),
      at(/^npm run lint\b/),
      at(/^npm run typecheck\b/),
      at(/^npm test\b/),
      at(/^npm audit\b/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order.slice(0, 4)).toEqual([...order.slice(0, 4)].sort((a, b) => a - b));
    expect(runs[at(/^npm audit\b/)]).toMatch(/--omit=dev/);
    expect(runs[at(/^npm audit\b/)]).toMatch(/--audit-level=high/);
  });

  it('when tests finish, then coverage/ is uploaded as an artifact', () => {
    const upload = testJob.steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(upload.with.path).toMatch(/^coverage\/?$/);
  });

  it('when the image is built, then it needs the tests and pushes to GHCR only on main', () => {
    const image = jobs.image;
    expect([].concat(image.needs)).toContain('test');
    const build = image.steps.find((s: any) => String(s.uses).startsWith('docker/build-push-action@'));
    expect(build).toBeDefined();
    expect(String(build.with.push)).toMatch(/PUSH/);
    expect(String(image.env.PUSH)).toContain("github.ref == 'refs/heads/main'");
    const login = image.steps.find((s: any) => String(s.uses).startsWith('docker/login-action@'));
    expect(login.with.registry).toBe('ghcr.io');
    expect(login.if).toMatch(/PUSH/);
  });

  it('when actions are used, then each is pinned to a major version', () => {
    const uses = Object.values(jobs).flatMap((job) =>
      (job.steps ?? []).map((s: any) => s.uses).filter(Boolean),
    );
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((u: string) => !/^[\w.-]+\/[\w.-]+@v\d+$/.test(u))).toEqual([]);
  });
});

// ---------------------------------------------------------------- Dependabot

describe('.github/dependabot.yml', () => {
  const config = readYaml('.github/dependabot.yml');

  it('when parsed, then it updates npm, docker and github-actions', () => {
    const ecosystems = config.updates.map((u: any) => u['package-ecosystem']);
    expect(ecosystems).toEqual(expect.arrayContaining(['npm', 'docker', 'github-actions']));
  });

  it('when npm updates come, then they are weekly and minor/patch are grouped', () => {
    const npm = config.updates.find((u: any) => u['package-ecosystem'] === 'npm');
    expect(npm.schedule.interval).toBe('weekly');
    const groups = Object.values<any>(npm.groups ?? {});
    expect(groups.some((g) => ['minor', 'patch'].every((t) => g['update-types']?.includes(t)))).toBe(true);
  });
});

// ---------------------------------------------------------------- Dockerfile

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const stages = parseDockerfile(text);
  const runtime = stages[stages.length - 1];
  const all = (stage: DockerStage, keyword: string) =>
    stage.instructions.filter((i) => i.keyword === keyword);

  // The base image (node:22-bookworm-slim) is checked with the supported Node versions: node-versions.test.ts.
  it('when parsed, then there is a build and a runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0];
    expect(all(build, 'RUN').some((i) => /\bnpm ci\b/.test(i.args) && !/--omit=dev/.test(i.args))).toBe(true);
    expect(all(build, 'RUN').some((i) => /\bnpm run build\b/.test(i.args))).toBe(true);
  });

  it('when the final stage runs, then its USER is not root', () => {
    expect(isNonRootUser(finalStageUser(text))).toBe(true);
  });

  it('when the runtime stage installs, then it uses npm ci --omit=dev and copies dist from the build', () => {
    expect(all(runtime, 'RUN').some((i) => /\bnpm ci\b[^&|;]*--omit=dev/.test(i.args))).toBe(true);
    expect(all(runtime, 'COPY').some((i) => /--from=\S+/.test(i.args) && /\bdist\b/.test(i.args))).toBe(true);
    expect(all(runtime, 'ENV').some((i) => /NODE_ENV=production/.test(i.args))).toBe(true);
  });

  it('when the container runs, then it exposes 5000, checks /health/live and starts dist/main.js', () => {
    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toContain('5000');
    const healthchecks = all(runtime, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0].args).toContain('/health/live');
    expect(healthchecks[0].args).toMatch(/CMD \["node"/);
    const cmd = all(runtime, 'CMD');
    expect(JSON.parse(cmd[cmd.length - 1].args)).toEqual(['node', ...HEAP_FLAGS, 'dist/main.js']);
  });

  it('when the check sees a root or missing USER in the last stage, then it fails', () => {
    const good = 'FROM a AS build\nUSER node\nFROM b\nUSER node\nCMD ["x"]\n';
    expect(isNonRootUser(finalStageUser(good))).toBe(true);
    expect(isNonRootUser(finalStageUser('FROM a AS build\nUSER node\nFROM b\nCMD ["x"]\n'))).toBe(false);
    expect(isNonRootUser(finalStageUser('FROM b\nUSER node\nUSER root\n'))).toBe(false);
    expect(isNonRootUser(finalStageUser('FROM b\nUSER 0:0\n'))).toBe(false);
    expect(parseDockerfile('FROM b\nRUN a \\\n  && b\n')[0].instructions[0].args).toBe('a && b');
  });
});

describe('.dockerignore', () => {
  it('when the build context is sent, then node_modules, dist, data, coverage, .git and .env stay out', () => {
    const lines = read('.dockerignore')
      .split(/\r?\n/)
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', 'coverage', 'data', '.env', '.git']) {
      expect(lines).toContain(entry);
    }
  });
});

// ---------------------------------------------------------------- Kubernetes

describe('deploy/k8s', () => {
  const k8s = (file: string) => readYaml(join('deploy', 'k8s', file));
  const deployment = k8s('deployment.yaml');
  const container = containersOf(deployment)[0];

  it('when the API pods are probed, then readiness is /health/ready and liveness/startup are /health/live', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.startupProbe.httpGet.path).toBe('/health/live');
    const portNames = container.ports.map((p: any) => p.name);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const port = container[probe].httpGet.port;
      expect(port === 5000 || portNames.includes(port)).toBe(true);
    }
    expect(container.ports.map((p: any) => p.containerPort)).toContain(5000);
  });

  it('when the pods run, then they are non-root, read-only and cannot escalate', () => {
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits).toBeDefined();
  });

  it('when a rollout happens, then at least 2 replicas stay up and old pods drain before SIGTERM', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    expect(container.lifecycle.preStop.exec.command[0]).toBe('sleep');
  });

  it('when config is loaded, then it comes from the ConfigMap and the Secret that exist', () => {
    const configMap = k8s('configmap.yaml');
    const secret = k8s('secret.example.yaml');
    expect(container.envFrom).toEqual(
      expect.arrayContaining([
        { configMapRef: { name: configMap.metadata.name } },
        { secretRef: { name: secret.metadata.name } },
      ]),
    );
    expect(configMap.data.NODE_ENV).toBe('production');
    expect(configMap.data.CORS_ORIGIN).not.toBe('*');
    for (const name of ['SESSION_SECRET', 'DATABASE_URL', 'METRICS_TOKEN']) {
      expect(Object.keys(secret.stringData)).toContain(name);
    }
  });

  it('when traffic is routed, then the Service, PDB and HPA target the API pods', () => {
    const labels = deployment.spec.template.metadata.labels;
    const service = k8s('service.yaml');
    expect(labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe(container.ports[0].name);
    expect(labels).toMatchObject(k8s('pdb.yaml').spec.selector.matchLabels);
    const hpa = k8s('hpa.yaml');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it('when the worker runs, then it runs dist/worker.js non-root with the same config', () => {
    const worker = k8s('worker-deployment.yaml');
    const c = containersOf(worker)[0];
    expect([...(c.command ?? []), ...(c.args ?? [])]).toEqual(['node', ...HEAP_FLAGS, 'dist/worker.js']);
    expect(worker.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.envFrom).toEqual(container.envFrom);
  });

  it('when kustomize builds, then every resource exists and the secret example is left out', () => {
    const kustomization = k8s('kustomization.yaml');
    for (const file of kustomization.resources) {
      expect(existsSync(join(root, 'deploy', 'k8s', file))).toBe(true);
    }
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    expect(kustomization.resources).toEqual(
      expect.arrayContaining(['deployment.yaml', 'service.yaml', 'configmap.yaml', 'hpa.yaml', 'pdb.yaml']),
    );
  });
});

// ---------------------------------------------------------------- scripts

describe('operational scripts', () => {
  const scripts = [
    'scripts/backup-postgres.sh',
    'scripts/restore-postgres.sh',
    'scripts/backup-mongo.sh',
    'scripts/restore-mongo.sh',
    'scripts/blue-green-switch.sh',
  ];

  it.each(scripts)('when %s is checked, then it is executable, strict bash and parses', (file) => {
    const path = join(root, file);
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
    expect(statSync(path).mode & 0o111).not.toBe(0);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toMatch(/^#!(\/usr\/bin\/env bash|\/bin\/bash)$/);
    expect(lines.some((l) => l.trim() === 'set -euo pipefail')).toBe(true);
    expect(() => execFileSync('bash', ['-n', path], { stdio: 'pipe' })).not.toThrow();
  });

  it.each(scripts)('when %s is run with -h, then it prints its usage and exits 0', (file) => {
    const result = spawnSync('bash', [join(root, file), '-h'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: /m);
  });

  describe('against stub database tools', () => {
    let dir: string;
    let bin: string;
    const password = 's3cr3t-Pa55';

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'otp-backup-'));
      bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      // Stubs record their arguments and write a fake dump where asked.
      const stub = (name: string, body: string) => {
        writeFileSync(
          join(bin, name),
          `#!/usr/bin/env bash\necho "$*" >> "${dir}/${name}.calls"\n${body}\n`,
          { mode: 0o755 },
        );
      };
      stub('pg_dump', 'for a in "$@"; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done');
      stub('pg_restore', 'exit 0');
      stub(
        'mongodump',
        'for a in "$@"; do case "$a" in --archive=*) echo dump > "${a#--archive=}";; --config=*) cat "${a#--config=}" >> "' +
          dir +
          '/mongodump.config";; esac; done',
      );
      stub('mongorestore', 'exit 0');
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const run = (file: string, args: string[], env: Env) =>
      spawnSync('bash', [join(root, file), ...args], {
        encoding: 'utf8',
        env: { PATH: `${bin}:${process.env.PATH}`, BACKUP_DIR: join(dir, 'backups'), ...env },
      });
    const calls = (tool: string) =>
      existsSync(join(dir, `${tool}.calls`)) ? readFileSync(join(dir, `${tool}.calls`), 'utf8') : '';

    it('when a PostgreSQL backup runs, then a timestamped -Fc dump is written and the URL is never printed', () => {
      const url = `postgresql://app:${password}@db.internal:5432/otp`;
      const result = run('scripts/backup-postgres.sh', [], { POSTGRESQL_URL: url });
      expect(result.status).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(password);
      expect(calls('pg_dump')).toMatch(/--format=custom/);
      const written = readFileSync(join(dir, 'pg_dump.calls'), 'utf8').match(/--file=(\S+)/)?.[1] ?? '';
      expect(written).toMatch(/otp-postgres-\d{8}T\d{6}Z\.dump\.partial$/);
      expect(existsSync(written.replace(/\.partial$/, ''))).toBe(true);
    });

    it('when old dumps exist, then those past BACKUP_RETENTION_DAYS are pruned and recent ones kept', () => {
      const backups = join(dir, 'backups');
      mkdirSync(backups, { recursive: true });
      const old = join(backups, 'otp-postgres-20000101T000000Z.dump');
      const recent = join(backups, 'otp-postgres-20000102T000000Z.dump');
      writeFileSync(old, 'x');
      writeFileSync(recent, 'x');
      const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
      utimesSync(old, daysAgo(20), daysAgo(20));
      utimesSync(recent, daysAgo(2), daysAgo(2));
      const result = run('scripts/backup-postgres.sh', [], {
        POSTGRESQL_URL: 'postgresql://localhost/otp',
        BACKUP_RETENTION_DAYS: '14',
      });
      expect(result.status).toBe(0);
      expect(existsSync(old)).toBe(false);
      expect(existsSync(recent)).toBe(true);
    });

    it('when a MongoDB backup runs, then mongodump gets the URL in a private config file, not argv or output', () => {
      const url = `mongodb://app:${password}@mongo.internal:27017/otp?replicaSet=rs0`;
      const result = run('scripts/backup-mongo.sh', [], { DATABASE_URL: url });
      expect(result.status).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(password);
      expect(calls('mongodump')).not.toContain(password);
      expect(calls('mongodump')).toMatch(/--archive=\S+otp-mongo-\d{8}T\d{6}Z\.archive\.gz\.partial --gzip/);
      expect(parse(readFileSync(join(dir, 'mongodump.config'), 'utf8'))).toEqual({ uri: url });
    });

    it.each([
      ['scripts/restore-postgres.sh', 'pg_restore', { POSTGRESQL_URL: 'postgresql://localhost/otp' }],
      ['scripts/restore-mongo.sh', 'mongorestore', { MONGODB_URL: 'mongodb://localhost/otp' }],
    ])('when %s runs without CONFIRM_RESTORE=yes, then it refuses and touches nothing', (file, tool, env) => {
      const dump = join(dir, 'backup.file');
      writeFileSync(dump, 'x');
      const refused = run(file, [dump], env);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/CONFIRM_RESTORE=yes/);
      expect(calls(tool)).toBe('');

      const noFile = run(file, [], { ...env, CONFIRM_RESTORE: 'yes' });
      expect(noFile.status).not.toBe(0);
      expect(calls(tool)).toBe('');

      const confirmed = run(file, [dump], { ...env, CONFIRM_RESTORE: 'yes' });
      expect(confirmed.status).toBe(0);
      expect(calls(tool)).toMatch(
        tool === 'pg_restore' ? /--clean --if-exists --no-owner/ : /--drop .*--gzip/,
      );
    });
  });
});
