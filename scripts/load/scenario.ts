/**
 * The shared scenario and thresholds of `npm run load` (scripts/load.ts): scenario.json and
 * thresholds.json, which scripts/load/k6.js reads too, so the two runners keep one mix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENDPOINT_NAMES = [
  'request_code',
  'verify_wrong_code',
  'verify_right_code',
  'refresh',
  'users_me',
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

export interface EndpointSpec {
  method: 'GET' | 'POST';
  path: string;
  weight: number;
  /** Statuses that are success for this endpoint; 429 is counted apart, never an error. */
  expect: number[];
}

export interface Scenario {
  rate: number;
  duration: number;
  shortDuration: number;
  shortRate: number;
  maxInFlight: number;
  timeoutMs: number;
  seedSessions: number;
  testAccounts: { count: number; email: string; code: string };
  endpoints: Record<EndpointName, EndpointSpec>;
}

export interface Limits {
  http5xx?: number;
  connectionErrors?: number;
  errorRate?: number;
  minRateRatio?: number;
}
export interface ThresholdSet {
  all: Limits;
  endpoints?: Partial<Record<EndpointName, { p95?: number; p99?: number }>>;
}
export interface Thresholds {
  short: ThresholdSet;
  full: ThresholdSet;
}

export const loadDir = __dirname;
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(loadDir, file), 'utf8'));

/** scenario.json, checked: every endpoint of the mix present with a positive weight. */
export function loadScenario(): Scenario {
  const scenario = readJson('scenario.json') as Scenario;
  for (const name of ENDPOINT_NAMES) {
    const spec = scenario.endpoints?.[name];
    if (!spec || !(spec.weight >= 0) || !spec.path?.startsWith('/') || !spec.expect?.length)
      throw new Error(`scenario.json: endpoint ${name} needs a method, a path, a weight and expect`);
  }
  if (!(scenario.rate > 0) || !(scenario.duration > 0))
    throw new Error('scenario.json: rate and duration > 0');
  return scenario;
}

export const loadThresholds = (): Thresholds => readJson('thresholds.json') as Thresholds;

/** The scenario's test accounts, or LOAD_TEST_ACCOUNTS (`email:code,…`, as OTP_TEST_ACCOUNTS). */
export function testAccounts(
  scenario: Scenario,
  fromEnv = process.env.LOAD_TEST_ACCOUNTS,
): Array<{ email: string; code: string }> {
  if (fromEnv)
    return fromEnv.split(',').map((entry) => {
      const i = entry.lastIndexOf(':');
      return { email: entry.slice(0, i).trim(), code: entry.slice(i + 1).trim() };
    });
  const { count, email, code } = scenario.testAccounts;
  return Array.from({ length: count }, (_, i) => ({ email: email.replace('{i}', String(i)), code }));
}

export const testAccountsEnv = (accounts: Array<{ email: string; code: string }>) =>
  accounts.map((a) => `${a.email}:${a.code}`).join(',');

/** Picks endpoint names in proportion to their weights. */
export function weightedPicker(
  endpoints: Record<EndpointName, EndpointSpec>,
  random: () => number = Math.random,
): () => EndpointName {
  const names = ENDPOINT_NAMES.filter((n) => endpoints[n].weight > 0);
  const total = names.reduce((sum, n) => sum + endpoints[n].weight, 0);
  return () => {
    let r = random() * total;
    for (const n of names) {
      r -= endpoints[n].weight;
      if (r < 0) return n;
    }
    return names[names.length - 1];
  };
}
