import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Readers of the deployment files, shared by the static tests (parsed, never grepped whole). */
export const root = join(__dirname, '..', '..');
export const read = (file: string): string => readFileSync(join(root, file), 'utf8');
export const readYaml = (file: string): any => parse(read(file));
export const k8s = (file: string) => readYaml(join('deploy', 'k8s', 'base', file));

/**
 * The V8 flags `npm start` runs the service with (docs/performance.md, memory): every other way
 * of starting the API or the worker (image, compose, Kubernetes) must pass the same ones.
 */
export const npmScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
export const HEAP_FLAGS = npmScripts.start.split(' ').filter((a) => a.startsWith('--'));

export type Env = Record<string, string>;

/** Parses KEY=value lines of a dotenv file (comments and blank lines skipped). */
export function parseDotenv(text: string): Env {
  const env: Env = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/** compose `environment:` in either map or list form. */
export function composeEnvironment(environment: unknown): Env {
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
export function envFiles(service: any): string[] {
  const raw = service.env_file;
  if (!raw) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((entry: any) => (typeof entry === 'string' ? entry : entry.path));
}

/**
 * What a compose service sees: its env files (a missing `.env.docker` is read from its
 * committed `.example`) overlaid by `environment:`, as compose does.
 */
export function serviceEnv(service: any): Env {
  let env: Env = {};
  for (const file of envFiles(service)) {
    const path = join(root, file);
    const source = existsSync(path) ? path : `${path}.example`;
    env = { ...env, ...parseDotenv(readFileSync(source, 'utf8')) };
  }
  return { ...env, ...composeEnvironment(service.environment) };
}

/** depends_on entries with their condition (short list form means service_started). */
export function dependsOn(service: any): Record<string, string> {
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
export function hasHealthcheck(service: any): boolean {
  const hc = service.healthcheck;
  if (!hc || hc.disable === true) return false;
  const test = hc.test;
  if (Array.isArray(test)) return test.length > 1 && test[0] !== 'NONE';
  return typeof test === 'string' && test.trim().length > 0;
}

export interface DockerInstruction {
  keyword: string;
  args: string;
}
export interface DockerStage {
  from: string;
  name?: string;
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into stages of instructions (continuations joined, comments dropped). */
export function parseDockerfile(text: string): DockerStage[] {
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
export function finalStageUser(text: string): string | undefined {
  const stages = parseDockerfile(text);
  const users = (stages[stages.length - 1]?.instructions ?? []).filter((i) => i.keyword === 'USER');
  return users.length ? users[users.length - 1].args.split(':')[0].trim() : undefined;
}

export const isNonRootUser = (user: string | undefined): boolean =>
  user !== undefined && user !== '' && user !== 'root' && user !== '0';

/** Every `run:` of a workflow job, in order. */
export const runSteps = (job: any): string[] =>
  (job.steps ?? []).map((s: any) => s.run).filter((r: unknown): r is string => typeof r === 'string');

/** Containers of a Deployment manifest. */
export const containersOf = (deployment: any): any[] => deployment.spec.template.spec.containers;
