/* global __ENV, __VU, open -- a k6 script (https://k6.io), not run by Node */
/*
 * The load test of `npm run load` for teams that use k6: the same mix, rate, duration and
 * thresholds, read from the same files (scenario.json, thresholds.json), so the two stay in
 * step. The target needs OTP_TEST_ACCOUNTS set to the scenario's test accounts (or
 * LOAD_TEST_ACCOUNTS given here in the same form).
 *
 *   k6 run -e BASE_URL=https://staging.example.com scripts/load/k6.js
 *   k6 run -e BASE_URL=http://127.0.0.1:5000 -e SHORT=1 -e RATE=100 scripts/load/k6.js
 */
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';

const scenario = JSON.parse(open('./scenario.json'));
const thresholdFile = JSON.parse(open('./thresholds.json'));

const SHORT = __ENV.SHORT === '1';
const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:5000';
const RATE = Number(__ENV.RATE || (SHORT ? scenario.shortRate : scenario.rate));
const DURATION = Number(__ENV.DURATION || (SHORT ? scenario.shortDuration : scenario.duration));
const limits = thresholdFile[SHORT ? 'short' : 'full'];

const NAMES = Object.keys(scenario.endpoints).filter((n) => scenario.endpoints[n].weight > 0);
const TOTAL_WEIGHT = NAMES.reduce((sum, n) => sum + scenario.endpoints[n].weight, 0);

const http5xx = new Counter('http_5xx');
const connectionErrors = new Counter('connection_errors');
const limited = new Counter('limited_429');
const failed = new Rate('load_errors');

/** thresholds.json in k6's syntax: counters, the error rate, dropped iterations, per-endpoint latency. */
function k6Thresholds() {
  const t = {};
  if (limits.all.http5xx !== undefined) t.http_5xx = [`count<=${limits.all.http5xx}`];
  if (limits.all.connectionErrors !== undefined)
    t.connection_errors = [`count<=${limits.all.connectionErrors}`];
  if (limits.all.errorRate !== undefined) t.load_errors = [`rate<=${limits.all.errorRate}`];
  if (limits.all.minRateRatio !== undefined)
    t.dropped_iterations = [`count<=${Math.floor((1 - limits.all.minRateRatio) * RATE * DURATION)}`];
  for (const [name, l] of Object.entries(limits.endpoints || {})) {
    const rules = [];
    if (l.p95 !== undefined) rules.push(`p(95)<=${l.p95}`);
    if (l.p99 !== undefined) rules.push(`p(99)<=${l.p99}`);
    t[`http_req_duration{endpoint:${name}}`] = rules;
  }
  return t;
}

export const options = {
  scenarios: {
    mix: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: `${DURATION}s`,
      preAllocatedVUs: scenario.maxInFlight,
      maxVUs: scenario.maxInFlight,
    },
  },
  thresholds: k6Thresholds(),
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max'],
};

const accounts = (
  __ENV.LOAD_TEST_ACCOUNTS ||
  Array.from(
    { length: scenario.testAccounts.count },
    (_, i) => `${scenario.testAccounts.email.replace('{i}', String(i))}:${scenario.testAccounts.code}`,
  ).join(',')
)
  .split(',')
  .map((entry) => ({
    email: entry.slice(0, entry.lastIndexOf(':')),
    code: entry.slice(entry.lastIndexOf(':') + 1),
  }));

// Each VU keeps its own refresh chain and the addresses it requested codes for.
let n = 0;
let session;
const requested = [];

function pick() {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const name of NAMES) {
    r -= scenario.endpoints[name].weight;
    if (r < 0) return name;
  }
  return NAMES[NAMES.length - 1];
}

function send(name, body, token) {
  const spec = scenario.endpoints[name];
  n += 1;
  const headers = { 'content-type': 'application/json', 'user-agent': 'otp-load-test-k6' };
  headers['x-forwarded-for'] = `10.${__VU & 255}.${(n >> 8) & 255}.${n & 255}`;
  if (token) headers.authorization = `Bearer ${token}`;
  const res = http.request(spec.method, `${BASE_URL}${spec.path}`, body ? JSON.stringify(body) : null, {
    headers,
    tags: { endpoint: name },
    timeout: `${scenario.timeoutMs}ms`,
  });
  const status = res.status;
  if (status === 0) connectionErrors.add(1, { endpoint: name });
  else if (status >= 500) http5xx.add(1, { endpoint: name });
  else if (status === 429) limited.add(1, { endpoint: name });
  failed.add(status === 0 || status >= 500 || (status !== 429 && !spec.expect.includes(status)), {
    endpoint: name,
  });
  return res;
}

// A right-code sign-in asks for the test account's code first (its fixed code is stored), as
// `npm run load` does, and that request counts under request_code. Each VU has an account of
// its own (the scenario lists one per possible VU), so no two sign-ins of one account overlap.
function signIn() {
  const account = accounts[(__VU - 1) % accounts.length];
  if (send('request_code', { email: account.email }).status !== 202) return;
  const res = send('verify_right_code', { email: account.email, code: account.code });
  if (res.status === 200) session = res.json();
}

const run = {
  request_code() {
    const email = `load-k6-${__VU & 255}-${n}@d${n % 1000}.example.com`;
    if (send('request_code', { email }).status === 202) requested.push(email);
    if (requested.length > 200) requested.shift();
  },
  verify_wrong_code() {
    const email = requested.length ? requested[n % requested.length] : `load-none@d${n % 1000}.example.com`;
    send('verify_wrong_code', { email, code: '000000' });
  },
  verify_right_code: signIn,
  refresh() {
    if (!session) return signIn();
    const res = send('refresh', { refreshToken: session.refreshToken });
    session = res.status === 200 ? res.json() : undefined;
  },
  users_me() {
    if (!session) return signIn();
    send('users_me', null, session.accessToken);
  },
};

export default function () {
  run[pick()]();
}
