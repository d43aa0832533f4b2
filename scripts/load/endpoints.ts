/**
 * What each endpoint of the mix sends and what it keeps from the answer: request codes for
 * fresh addresses, guess wrong at addresses that have live codes, sign test accounts in with
 * their fixed code (after asking for it), rotate refresh tokens (each presented once) and read /users/me.
 */
import type { Answer, Client } from './http';
import type { EndpointName, Scenario } from './scenario';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export class SessionPool {
  private refresh: string[] = [];
  private access: string[] = [];
  constructor(private readonly max = 500) {}
  add(t: Tokens) {
    this.refresh.push(t.refreshToken);
    this.access.push(t.accessToken);
    if (this.refresh.length > this.max) this.refresh.shift();
    if (this.access.length > this.max) this.access.shift();
  }
  /** Each refresh token leaves the pool when presented: a token is never sent twice. */
  takeRefresh = () => this.refresh.shift();
  anyAccess = () => this.access[Math.floor(Math.random() * this.access.length)];
  get size() {
    return this.refresh.length;
  }
}

const WRONG_CODE = '000000';

/**
 * `onCodeRequest` sees the code request that precedes each right-code sign-in (it is a
 * POST /v1/otp/request like any other: the load test counts it under request_code).
 */
export function createEndpoints(
  client: Client,
  scenario: Scenario,
  accounts: Array<{ email: string; code: string }>,
  onCodeRequest?: (answer: Answer) => void,
) {
  const sessions = new SessionPool();
  const requested: string[] = [];
  let n = 0;
  // Each request from its own client address (honoured by a service with TRUST_PROXY set) and
  // to addresses over 1,000 domains, as real traffic is; per-IP limits then see real traffic.
  const ip = () => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const headers = () => ({ 'x-forwarded-for': ip(), 'user-agent': 'otp-load-test' });
  const path = (name: EndpointName) => scenario.endpoints[name].path;
  const keep = (a: Answer) => {
    if (a.status === 200) sessions.add(JSON.parse(a.body) as Tokens);
  };
  // A test account signs in as anyone does: ask for a code (its fixed one is stored), then
  // verify it. One sign-in per account at a time: a second request would be refused by the
  // cooldown, or its verify would find the code already used.
  const free = [...accounts];
  const signIn = async (): Promise<Answer | undefined> => {
    const account = free.shift();
    if (!account) return undefined;
    try {
      n += 1;
      const email = JSON.stringify({ email: account.email });
      const asked = await client.send('POST', path('request_code'), headers(), email);
      onCodeRequest?.(asked);
      if (asked.status !== 202) return asked;
      const body = JSON.stringify({ email: account.email, code: account.code });
      const answer = await client.send('POST', path('verify_right_code'), headers(), body);
      keep(answer);
      return answer;
    } finally {
      free.push(account);
    }
  };

  const run: Record<EndpointName, () => Promise<Answer | undefined>> = {
    request_code: async () => {
      n += 1;
      const email = `load-${n}-${process.pid}@d${n % 1000}.example.com`;
      const answer = await client.send('POST', path('request_code'), headers(), JSON.stringify({ email }));
      if (answer.status === 202) requested.push(email);
      if (requested.length > 2000) requested.shift();
      return answer;
    },
    verify_wrong_code: async () => {
      n += 1;
      const email = requested[n % Math.max(1, requested.length)] ?? `load-none@d${n % 1000}.example.com`;
      return client.send(
        'POST',
        path('verify_wrong_code'),
        headers(),
        JSON.stringify({ email, code: WRONG_CODE }),
      );
    },
    verify_right_code: signIn,
    refresh: async () => {
      const refreshToken = sessions.takeRefresh();
      if (!refreshToken) return undefined;
      n += 1;
      const answer = await client.send('POST', path('refresh'), headers(), JSON.stringify({ refreshToken }));
      keep(answer);
      return answer;
    },
    users_me: async () => {
      const token = sessions.anyAccess();
      if (!token) return undefined;
      n += 1;
      return client.send('GET', path('users_me'), { ...headers(), authorization: `Bearer ${token}` });
    },
  };

  /** Signs `count` sessions in before the measured run, so refresh and /users/me have tokens. */
  const seed = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const answer = await signIn();
      if (answer?.status !== 200)
        throw new Error(
          `seeding: a test account's sign-in answered ${answer?.status || answer?.error} (is OTP_TEST_ACCOUNTS set on the target with the scenario's accounts?) ${answer?.body.slice(0, 200)}`,
        );
    }
  };
  return { run, seed, sessions };
}
