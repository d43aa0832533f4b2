import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestPglite } from '../helpers/pglite';
import { createSqlStore } from '../../src/store/sql/sql-store';
import type { SqlClient } from '../../src/platform/sql/sql-client';
import type { SignInInput } from '../../src/modules/auth/auth.ports';
import { createSqlLoginRules } from '../../src/modules/auth/repositories/sql/login-rules';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { describeEachStorage } from '../helpers/services';

/**
 * SECURITY 3–6 on each storage: sign-in creates the user once, a code is consumed atomically,
 * and wrong tries are counted durably before the compare, so a burst cannot out-guess the cap.
 */

/**
 * The MongoDB implementation of the same rules is held to these cases by the contract suite
 * (tests/contract/sign-in.suite.ts), which runs against MongoDB when TEST_MONGODB_URL is set.
 */
type Storage = 'pglite' | 'postgres';

const COOLDOWN_MS = 61_000;
/** The per-email and per-IP budgets are raised here so that only the per-code cap is in play. */
const ENV = { OTP_MAX_FAILED_PER_EMAIL_PER_HOUR: '1000', OTP_MAX_FAILED_PER_IP_PER_HOUR: '100000' };

let seq = 0;
const freshEmail = (label: string) => `verify-${label}-${++seq}@example.com`;
/** A code that is certainly not `code`. */
const wrongCode = (code: string, k = 1) => String((Number(code) + k) % 1_000_000).padStart(6, '0');
const verify = (t: TestApp, email: string, code: string) =>
  t.http.post('/v1/otp/verify').send({ email, code });
const sessionCount = (t: TestApp) => t.container.store.sessions.count({});
const newestOtp = async (t: TestApp, email: string) => (await t.container.store.otps.listNewest(email, 1))[0];

describeEachStorage<Storage>(['pglite', 'postgres'], 'POST /v1/otp/verify on %s', (storage) => {
  let t: TestApp | undefined;

  beforeAll(async () => {
    t = await createTestApp({ storage, env: ENV });
  });
  afterAll(async () => t?.close());

  const storageIt = (name: string, body: (t: TestApp) => Promise<void>) =>
    it(name, async () => {
      if (!t) throw new Error('the app was not started');
      await body(t);
    });

  storageIt(
    'when the right code is sent, then 200 with tokens, the user is created once and a second sign-in reuses it',
    async (t) => {
      const email = freshEmail('success');
      const usersBefore = await t.container.store.users.count();
      const sessionsBefore = await sessionCount(t);

      const first = await verify(t, email, await t.requestCode(email.toUpperCase()));
      t.clock.advance(COOLDOWN_MS);
      const second = await verify(t, email, await t.requestCode(email));

      expect(first.status).toBe(200);
      expectMatchesOpenApi(first, 'POST', '/v1/otp/verify');
      expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email } });
      expect(second.status).toBe(200);
      expect(second.body.user.id).toBe(first.body.user.id);
      expect(second.body.session.id).not.toBe(first.body.session.id);
      expect(await t.container.store.users.count()).toBe(usersBefore + 1);
      expect(await sessionCount(t)).toBe(sessionsBefore + 2);
      const user = await t.container.store.users.findByEmail(email);
      expect(user?.id).toBe(first.body.user.id);
      expect(user?.lastLoginAt).not.toBeNull();
      const session = await t.container.store.sessions.findById(first.body.session.id);
      expect(session).toMatchObject({ userId: first.body.user.id, revokedAt: null });
      expect((await newestOtp(t, email)).consumedAt).not.toBeNull();
      expect(t.logs).toContainEqual(
        expect.objectContaining({ event: 'otp.verify.succeeded', userId: first.body.user.id }),
      );
    },
  );

  storageIt(
    'when 20 verifies of the right code race, then exactly one wins and exactly one session exists',
    async (t) => {
      const email = freshEmail('race');
      const code = await t.requestCode(email);
      const sessionsBefore = await sessionCount(t);
      const usersBefore = await t.container.store.users.count();

      const answers = await Promise.all(Array.from({ length: 20 }, () => verify(t, email, code)));

      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array<number>(19).fill(401)]);
      for (const loser of answers.filter((r) => r.status === 401)) {
        expect(loser.body.code).toBe('invalid_code');
      }
      expect(await sessionCount(t)).toBe(sessionsBefore + 1);
      expect(await t.container.store.users.count()).toBe(usersBefore + 1);
    },
  );

  storageIt('when 4 wrong tries precede the right code, then it still signs in', async (t) => {
    const email = freshEmail('four-wrong');
    const code = await t.requestCode(email);

    for (let k = 1; k <= 4; k++) expect((await verify(t, email, wrongCode(code, k))).status).toBe(401);
    const res = await verify(t, email, code);

    expect(res.status).toBe(200);
  });

  storageIt(
    'when 5 wrong tries have been made, then the right code is refused and no session is made',
    async (t) => {
      const email = freshEmail('five-wrong');
      const code = await t.requestCode(email);
      for (let k = 1; k <= 5; k++) await verify(t, email, wrongCode(code, k));
      const sessionsBefore = await sessionCount(t);

      const res = await verify(t, email, code);

      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_code');
      expect((await newestOtp(t, email)).attempts).toBe(5);
      expect(await sessionCount(t)).toBe(sessionsBefore);
    },
  );

  storageIt(
    'when 30 wrong guesses arrive at once, then at most 5 are evaluated and the code is dead afterwards',
    async (t) => {
      const email = freshEmail('burst');
      const code = await t.requestCode(email);
      const sessionsBefore = await sessionCount(t);

      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => verify(t, email, wrongCode(code, i + 1))),
      );
      const afterwards = await verify(t, email, code);

      expect(answers.every((r) => r.status === 401)).toBe(true);
      expect((await newestOtp(t, email)).attempts).toBe(5);
      expect(afterwards.status).toBe(401);
      expect(afterwards.body.code).toBe('invalid_code');
      expect(await sessionCount(t)).toBe(sessionsBefore);
      expect(await t.container.store.users.findByEmail(email)).toBeUndefined();
    },
  );
});

describe('a sign-in whose store step is run twice', () => {
  /**
   * MongoDB's withTransaction reruns its callback after a transient error (a write conflict, a
   * failover): the first run is rolled back, the second commits. Here the SQL sign-in is driven
   * the same way, once: first run inside a PGlite transaction that is rolled back, then for
   * real. The use case's side effects outside the database (the metric) show whether they were
   * made per run or per commit.
   */
  function rerunningOnce(client: SqlClient) {
    const store = createSqlStore(client);
    const rolledBack = new Error('transient: rolled back, the step runs again');
    const wrapped = {
      ...store,
      armed: false,
      reruns: 0,
      async signIn(input: SignInInput) {
        if (wrapped.armed) {
          wrapped.armed = false;
          wrapped.reruns += 1;
          await client
            .transaction(async (tx) => {
              await createSqlLoginRules(tx).signIn(input);
              throw rolledBack;
            })
            .catch((err: unknown) => {
              if (err !== rolledBack) throw err;
            });
        }
        return store.signIn(input);
      },
    };
    return wrapped;
  }

  it('when the sign-in step is rerun, then one session exists and sessions_created_total counts one', async () => {
    const store = rerunningOnce(await createTestPglite());
    const t = await createTestApp({ overrides: { store } });
    try {
      const email = 'rerun@example.com';
      const code = await t.requestCode(email);
      store.armed = true;
      const res = await t.http.post('/v1/otp/verify').send({ email, code });

      expect(res.status).toBe(200);
      expect(store.reruns).toBe(1);
      expect(await store.sessions.count({})).toBe(1);
      expect(await t.container.metrics.registry.metrics()).toMatch(/^sessions_created_total 1$/m);
    } finally {
      await t.close();
    }
  });
});
