import { randomBytes, randomUUID } from 'node:crypto';
import { ConflictError } from '../../src/platform/errors/app-error';
import type {
  CodeRequestInput,
  CodeRequestOutcome,
  NewOtp,
  RefreshTokenRecord,
  Session,
  User,
  VerifyAttemptInput,
  VerifyAttemptOutcome,
} from '../../src/modules/auth/auth.ports';
import type { Store } from '../../src/store/store';
import { admitCodeRequest, countVerifyAttempt } from '../../src/modules/auth/otp.service';

/**
 * The one repository contract: every method of the login ports in src/store/ports.ts (users,
 * otps, authFailures, sessions, refreshTokens, ipRules) and of the Store itself, written against
 * the Store interface only, so each storage adapter (PGlite, PostgreSQL, MongoDB) runs the very
 * same suite (after better-auth's packages/test-utils/src/adapter/suites). The email
 * repositories have theirs beside it, in mail-repository-contract.ts.
 *
 * Tests share one store per run and never depend on each other: each uses its own emails,
 * IPs and domains. Methods that act on the whole table (list, count, delete*) use their own
 * time windows (far past or far future) so other tests' rows cannot change their answers.
 */
export interface ContractOptions {
  /** Resolves false when the backing server is missing: every test then returns at once (the caller has said so loudly). */
  available?: () => Promise<boolean>;
  /** The store implements `rotateRefreshToken` (the SQL stores); its tests run only then. */
  rotatesInOneStep?: boolean;
  /** The store implements `admitCodeRequest` and `countVerifyAttempt` (the SQL stores); their cases run twice. */
  admitsInOneStep?: boolean;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const hex = (bytes = 6) => randomBytes(bytes).toString('hex');
const uniqueDomain = () => `d${hex()}.example.com`;
const uniqueEmail = (tag: string, domain = uniqueDomain()) => `${tag}-${hex()}@${domain}`;
const uniqueIp = () => `10.${[...randomBytes(3)].join('.')}`;
const tokenHash = () => hex(32);
/** A whole second, now: every adapter stores it exactly. */
const now = () => new Date(Math.floor(Date.now() / SECOND) * SECOND);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
/** A random instant inside [from, from + span): one test's private window. */
const windowIn = (fromYear: number, spanYears: number) =>
  new Date(Date.UTC(fromYear, 0, 1) + Math.floor(Math.random() * spanYears * 365) * DAY);

function newOtp(overrides: Partial<NewOtp> = {}): NewOtp {
  const email = overrides.email ?? uniqueEmail('otp');
  const createdAt = overrides.createdAt ?? now();
  return {
    email,
    emailDomain: email.slice(email.lastIndexOf('@') + 1),
    purpose: 'login',
    requestIp: uniqueIp(),
    createdAt,
    expiresAt: plus(createdAt, 10 * MINUTE),
    ...overrides,
  };
}

function newSession(userId: string, overrides: Partial<Session> = {}) {
  const createdAt = overrides.createdAt ?? now();
  return {
    id: randomUUID(),
    userId,
    ip: '203.0.113.7',
    userAgent: 'contract-test/1.0',
    deviceFingerprint: hex(16),
    createdAt,
    lastUsedAt: createdAt,
    expiresAt: plus(createdAt, 24 * HOUR),
    absoluteExpiresAt: plus(createdAt, 30 * DAY),
    ...overrides,
  };
}

function newRefresh(sessionId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: tokenHash(),
    sessionId,
    parentHash: null,
    createdAt: now(),
    rotatedAt: null,
    ...overrides,
  };
}

const byCreatedThenId = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function runRepositoryContract(
  name: string,
  makeStore: () => Promise<{ store: Store; cleanup: () => Promise<void> }>,
  options: ContractOptions = {},
): void {
  describe(`repository contract: ${name}`, () => {
    let store: Store | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    let skipped = false;

    beforeAll(async () => {
      if (options.available && !(await options.available())) {
        skipped = true;
        return;
      }
      ({ store, cleanup } = await makeStore());
      await store.migrate();
    });
    afterAll(async () => {
      await cleanup?.();
    });

    /** `it`, with the store; returns at once when the adapter's server is missing. */
    const test = (title: string, fn: (s: Store) => Promise<void>) =>
      it(title, async () => {
        if (skipped) return;
        if (!store) throw new Error('the store was not created');
        await fn(store);
      });

    /** A user of its own, for tests about other tables. */
    const aUser = (s: Store): Promise<User> => s.users.upsertOnLogin(uniqueEmail('owner'), now());
    const aSession = async (s: Store): Promise<Session> => s.sessions.create(newSession((await aUser(s)).id));

    describe('store', () => {
      test('when asked its kind, then it names a known backend', async (s) => {
        expect(['pglite', 'postgres', 'mongo']).toContain(s.kind);
      });

      test('when pinged, then it resolves', async (s) => {
        await expect(s.ping()).resolves.toBeUndefined();
      });

      test('when migrate runs again (twice), then it succeeds and keeps the data', async (s) => {
        const user = await aUser(s);
        await s.migrate();
        await s.migrate();
        expect(await s.users.findById(user.id)).toEqual(user);
      });
    });

    describe('users', () => {
      test('when upsertOnLogin sees a new email, then it creates the user stamped with now', async (s) => {
        const email = uniqueEmail('new');
        const at = now();
        const user = await s.users.upsertOnLogin(email, at);
        expect(user).toEqual({ id: expect.any(String), email, createdAt: at, lastLoginAt: at });
      });

      test('when upsertOnLogin sees a known email, then it updates lastLoginAt and keeps id and createdAt', async (s) => {
        const email = uniqueEmail('again');
        const first = await s.users.upsertOnLogin(email, now());
        const later = plus(first.createdAt, 5 * MINUTE);
        const second = await s.users.upsertOnLogin(email, later);
        expect(second).toEqual({ id: first.id, email, createdAt: first.createdAt, lastLoginAt: later });
        expect(await s.users.findByEmail(email)).toEqual(second);
      });

      test('when 10 first logins of one email race, then exactly one user exists and none fails', async (s) => {
        const email = uniqueEmail('race');
        const before = await s.users.count();
        const at = now();
        const users = await Promise.all(
          Array.from({ length: 10 }, (_, i) => s.users.upsertOnLogin(email, plus(at, i))),
        );
        expect(new Set(users.map((u) => u.id)).size).toBe(1);
        expect(await s.users.count()).toBe(before + 1);
        expect((await s.users.findByEmail(email))?.id).toBe(users[0].id);
      });

      test('when looked up by email or id, then the user is found; unknown ones are undefined', async (s) => {
        const user = await aUser(s);
        expect(await s.users.findByEmail(user.email)).toEqual(user);
        expect(await s.users.findById(user.id)).toEqual(user);
        expect(await s.users.findByEmail(uniqueEmail('nobody'))).toBeUndefined();
        expect(await s.users.findById(randomUUID())).toBeUndefined();
      });

      test('when listed with a cursor, then pages follow (createdAt, id) order without gaps or repeats', async (s) => {
        const base = windowIn(2200, 500);
        const marker = await s.users.upsertOnLogin(uniqueEmail('marker'), base);
        const later = await Promise.all(
          [3, 2, 2, 1].map((sec, i) =>
            s.users.upsertOnLogin(uniqueEmail(`page${i}`), plus(base, sec * SECOND)),
          ),
        );
        const expected = [...later].sort(byCreatedThenId).map((u) => u.id);

        const page1 = await s.users.list({ limit: 2, after: marker });
        const page2 = await s.users.list({ limit: 2, after: page1[1] });
        const page3 = await s.users.list({ limit: 2, after: page2[1] });

        expect(page1.map((u) => u.id)).toEqual(expected.slice(0, 2));
        expect(page2.map((u) => u.id)).toEqual(expected.slice(2, 4));
        expect(page3.filter((u) => expected.includes(u.id) || u.id === marker.id)).toEqual([]);
        expect(page1[0]).toEqual(later.find((u) => u.id === expected[0]));
      });

      test('when listed without a cursor, then the first page starts at the oldest user, in order', async (s) => {
        const oldest = await s.users.upsertOnLogin(uniqueEmail('oldest'), windowIn(1971, 1));
        await aUser(s);
        const page = await s.users.list({ limit: 3 });
        expect(page[0]).toEqual(oldest);
        expect(page.length).toBeLessThanOrEqual(3);
        expect([...page].sort(byCreatedThenId)).toEqual(page);
      });

      test('when a user is deleted, then it is gone, a second delete is false and count follows', async (s) => {
        const before = await s.users.count();
        const a = await aUser(s);
        await aUser(s);
        expect(await s.users.count()).toBe(before + 2);

        expect(await s.users.delete(a.id)).toBe(true);
        expect(await s.users.delete(a.id)).toBe(false);
        expect(await s.users.findById(a.id)).toBeUndefined();
        expect(await s.users.findByEmail(a.email)).toBeUndefined();
        expect(await s.users.count()).toBe(before + 1);
        expect(await s.users.delete(randomUUID())).toBe(false);
      });
    });

    describe('otps', () => {
      const newest = async (s: Store, email: string, limit = 10) =>
        s.transaction((tx) => tx.otps.lockNewest(email, limit));

      test('when a code is created, then it is pending: no hash, no attempts, not consumed', async (s) => {
        const input = newOtp();
        const id = await s.otps.create(input);
        expect(typeof id).toBe('string');
        expect(await newest(s, input.email)).toEqual([
          {
            id,
            email: input.email,
            codeHash: null,
            attempts: 0,
            createdAt: input.createdAt,
            expiresAt: input.expiresAt,
            consumedAt: null,
          },
        ]);
      });

      test('when setCodeHash runs on a pending code, then the hash is stored', async (s) => {
        const input = newOtp();
        const id = await s.otps.create(input);
        expect(await s.otps.setCodeHash(id, 'hash-1', plus(input.createdAt, SECOND))).toBe(true);
        expect((await newest(s, input.email))[0].codeHash).toBe('hash-1');
      });

      test('when setCodeHash runs after consumeAll, then it is refused and nothing changes', async (s) => {
        const input = newOtp();
        const id = await s.otps.create(input);
        await s.otps.consumeAll(input.email, plus(input.createdAt, SECOND));
        expect(await s.otps.setCodeHash(id, 'late', plus(input.createdAt, 2 * SECOND))).toBe(false);
        expect((await newest(s, input.email))[0].codeHash).toBeNull();
      });

      test('when setCodeHash runs at or after expiry, then it is refused', async (s) => {
        const input = newOtp();
        const id = await s.otps.create(input);
        expect(await s.otps.setCodeHash(id, 'at-expiry', input.expiresAt)).toBe(false);
        expect(await s.otps.setCodeHash(id, 'after', plus(input.expiresAt, SECOND))).toBe(false);
        expect((await newest(s, input.email))[0].codeHash).toBeNull();
      });

      test('when setCodeHash names an unknown code, then it is false', async (s) => {
        expect(await s.otps.setCodeHash(randomUUID(), 'x', now())).toBe(false);
      });

      test('when latestCreatedAt is asked, then it is the newest createdAt, or undefined', async (s) => {
        const email = uniqueEmail('latest');
        const t0 = now();
        await s.otps.create(newOtp({ email, createdAt: plus(t0, 2 * SECOND) }));
        await s.otps.create(newOtp({ email, createdAt: t0 }));
        expect(await s.otps.latestCreatedAt(email)).toEqual(plus(t0, 2 * SECOND));
        expect(await s.otps.latestCreatedAt(uniqueEmail('none'))).toBeUndefined();
      });

      test('when counting by email, IP or domain, then only codes created strictly after `since` count', async (s) => {
        const domain = uniqueDomain();
        const ip = uniqueIp();
        const email = uniqueEmail('count', domain);
        const other = uniqueEmail('count-other', domain);
        const t0 = now();
        for (const sec of [0, 1, 2]) {
          await s.otps.create(newOtp({ email, requestIp: ip, createdAt: plus(t0, sec * SECOND) }));
        }
        await s.otps.create(newOtp({ email: other, requestIp: ip, createdAt: plus(t0, SECOND) }));
        await s.otps.create(newOtp({ email: other, createdAt: plus(t0, SECOND) }));

        const before = plus(t0, -1);
        expect(await s.otps.countCreatedSince({ email }, before)).toBe(3);
        expect(await s.otps.countCreatedSince({ email }, t0)).toBe(2);
        expect(await s.otps.countCreatedSince({ email }, plus(t0, 2 * SECOND))).toBe(0);
        expect(await s.otps.countCreatedSince({ requestIp: ip }, before)).toBe(4);
        expect(await s.otps.countCreatedSince({ requestIp: ip }, t0)).toBe(3);
        expect(await s.otps.countCreatedSince({ emailDomain: domain }, before)).toBe(5);
        expect(await s.otps.countCreatedSince({ emailDomain: domain }, t0)).toBe(4);
        expect(await s.otps.countCreatedSince({ email: other, requestIp: ip }, before)).toBe(1);
        expect(await s.otps.countCreatedSince({ email: uniqueEmail('none') }, before)).toBe(0);
      });

      test('when lockNewest is asked for N, then it returns the N newest codes, newest first', async (s) => {
        const email = uniqueEmail('newest');
        const t0 = now();
        const ids: Record<number, string> = {};
        for (const sec of [2, 0, 3, 1]) {
          ids[sec] = await s.otps.create(newOtp({ email, createdAt: plus(t0, sec * SECOND) }));
        }
        await s.otps.create(newOtp({ createdAt: plus(t0, 9 * SECOND) }));
        const locked = await newest(s, email, 3);
        expect(locked.map((o) => o.id)).toEqual([ids[3], ids[2], ids[1]]);
        expect(locked.every((o) => o.email === email)).toBe(true);
        expect(await newest(s, uniqueEmail('none'), 3)).toEqual([]);
      });

      test('when incrementAttempts names codes, then exactly those gain one attempt', async (s) => {
        const email = uniqueEmail('attempts');
        const t0 = now();
        const a = await s.otps.create(newOtp({ email, createdAt: plus(t0, SECOND) }));
        const b = await s.otps.create(newOtp({ email, createdAt: t0 }));
        await s.otps.incrementAttempts([a, b]);
        await s.otps.incrementAttempts([a]);
        await s.otps.incrementAttempts([]);
        const [first, second] = await newest(s, email);
        expect([first.id, first.attempts]).toEqual([a, 2]);
        expect([second.id, second.attempts]).toEqual([b, 1]);
      });

      test('when consumeAll runs, then every pending code of that email is consumed once', async (s) => {
        const email = uniqueEmail('consume');
        const bystander = newOtp();
        const t0 = now();
        await s.otps.create(newOtp({ email, createdAt: t0 }));
        await s.otps.create(newOtp({ email, createdAt: plus(t0, SECOND) }));
        await s.otps.create(bystander);
        const at = plus(t0, 5 * SECOND);

        expect(await s.otps.consumeAll(email, at)).toBe(2);
        expect(await s.otps.consumeAll(email, plus(at, SECOND))).toBe(0);
        expect((await newest(s, email)).map((o) => o.consumedAt)).toEqual([at, at]);
        expect((await newest(s, bystander.email))[0].consumedAt).toBeNull();
      });

      test('when deleteStale runs, then codes expired and created before the cut-off go, others stay', async (s) => {
        const base = windowIn(1980, 5);
        const email = uniqueEmail('stale');
        await s.otps.create(newOtp({ email, createdAt: base, expiresAt: plus(base, 10 * MINUTE) }));
        await s.otps.create(
          newOtp({ email, createdAt: plus(base, MINUTE), expiresAt: plus(base, 11 * MINUTE) }),
        );
        const alive = await s.otps.create(
          newOtp({ email, createdAt: plus(base, 30 * MINUTE), expiresAt: plus(base, 40 * MINUTE) }),
        );
        expect(await s.otps.deleteStale(plus(base, 20 * MINUTE))).toBe(2);
        expect((await newest(s, email)).map((o) => o.id)).toEqual([alive]);
      });

      test('when two transactions lock one email, then the second waits for the first to finish', async (s) => {
        const email = uniqueEmail('lock');
        const events: string[] = [];
        let firstHasLock!: () => void;
        const locked = new Promise<void>((resolve) => (firstHasLock = resolve));
        const first = s.transaction(async (tx) => {
          await tx.otps.lockEmail(email);
          firstHasLock();
          await new Promise((resolve) => setTimeout(resolve, 150));
          events.push('first done');
        });
        await locked;
        const second = s.transaction(async (tx) => {
          await tx.otps.lockEmail(email);
          events.push('second locked');
        });
        await Promise.all([first, second]);
        expect(events).toEqual(['first done', 'second locked']);
      });
    });

    describe('authFailures', () => {
      test('when failures are recorded, then countSince and oldestSince filter by email, IP and time', async (s) => {
        const email = uniqueEmail('fail');
        const ip = uniqueIp();
        const t0 = now();
        for (const sec of [0, 1, 2]) await s.authFailures.record({ email, ip, at: plus(t0, sec * SECOND) });
        await s.authFailures.record({ email: uniqueEmail('fail-other'), ip, at: plus(t0, 3 * SECOND) });

        const before = plus(t0, -1);
        expect(await s.authFailures.countSince({ email }, before)).toBe(3);
        expect(await s.authFailures.countSince({ email }, t0)).toBe(2);
        expect(await s.authFailures.countSince({ ip }, before)).toBe(4);
        expect(await s.authFailures.countSince({ email, ip }, before)).toBe(3);
        expect(await s.authFailures.countSince({ email: uniqueEmail('none') }, before)).toBe(0);

        expect(await s.authFailures.oldestSince({ email }, before)).toEqual(t0);
        expect(await s.authFailures.oldestSince({ email }, t0)).toEqual(plus(t0, SECOND));
        expect(await s.authFailures.oldestSince({ ip }, plus(t0, 2 * SECOND))).toEqual(plus(t0, 3 * SECOND));
        expect(await s.authFailures.oldestSince({ email }, plus(t0, 2 * SECOND))).toBeUndefined();
      });

      test('when clearForEmail runs, then that email’s failures go and the IP keeps the others', async (s) => {
        const email = uniqueEmail('clear');
        const ip = uniqueIp();
        const t0 = now();
        await s.authFailures.record({ email, ip, at: t0 });
        await s.authFailures.record({ email, ip, at: plus(t0, SECOND) });
        await s.authFailures.record({ email: uniqueEmail('keep'), ip, at: t0 });

        await s.authFailures.clearForEmail(email);
        expect(await s.authFailures.countSince({ email }, plus(t0, -1))).toBe(0);
        expect(await s.authFailures.countSince({ ip }, plus(t0, -1))).toBe(1);
      });

      test('when deleteBefore runs, then only failures older than the cut-off go', async (s) => {
        const base = windowIn(1980, 5);
        const ip = uniqueIp();
        await s.authFailures.record({ email: uniqueEmail('old'), ip, at: base });
        await s.authFailures.record({ email: uniqueEmail('old'), ip, at: plus(base, MINUTE) });
        await s.authFailures.record({ email: uniqueEmail('new'), ip, at: plus(base, 2 * HOUR) });

        expect(await s.authFailures.deleteBefore(plus(base, HOUR))).toBe(2);
        expect(await s.authFailures.countSince({ ip }, plus(base, -1))).toBe(1);
      });
    });

    describe('sessions', () => {
      test('when a session is created, then it is returned and found as stored, not revoked', async (s) => {
        const user = await aUser(s);
        const input = newSession(user.id, { ip: null, userAgent: null, deviceFingerprint: null });
        const created = await s.sessions.create(input);
        expect(created).toEqual({ ...input, revokedAt: null, revokedReason: null });
        expect(await s.sessions.findById(input.id)).toEqual(created);
        expect(await s.sessions.findById(randomUUID())).toBeUndefined();
      });

      test('when lockById runs in a transaction, then it returns the session, or undefined', async (s) => {
        const user = await aUser(s);
        const created = await s.sessions.create(newSession(user.id));
        const [found, missing] = await s.transaction(async (tx) => [
          await tx.sessions.lockById(created.id),
          await tx.sessions.lockById(randomUUID()),
        ]);
        expect(found).toEqual(created);
        expect(missing).toBeUndefined();
      });

      test('when touched, then lastUsedAt and expiresAt move and nothing else', async (s) => {
        const user = await aUser(s);
        const created = await s.sessions.create(newSession(user.id));
        const used = plus(created.createdAt, HOUR);
        const expires = plus(used, 24 * HOUR);
        await s.sessions.touch(created.id, used, expires);
        expect(await s.sessions.findById(created.id)).toEqual({
          ...created,
          lastUsedAt: used,
          expiresAt: expires,
        });
      });

      test('when revoked, then the first call is true and stamps it, later calls are false', async (s) => {
        const user = await aUser(s);
        const created = await s.sessions.create(newSession(user.id));
        const at = plus(created.createdAt, MINUTE);
        expect(await s.sessions.revoke(created.id, at, 'logout')).toBe(true);
        expect(await s.sessions.revoke(created.id, plus(at, MINUTE), 'again')).toBe(false);
        expect(await s.sessions.revoke(created.id, plus(at, 2 * MINUTE), 'thrice')).toBe(false);
        expect(await s.sessions.findById(created.id)).toMatchObject({
          revokedAt: at,
          revokedReason: 'logout',
        });
        expect(await s.sessions.revoke(randomUUID(), at, 'unknown')).toBe(false);
      });

      test('when all of a user’s sessions are revoked, then only that user’s live ones count', async (s) => {
        const user = await aUser(s);
        const other = await aUser(s);
        const a = await s.sessions.create(newSession(user.id));
        const b = await s.sessions.create(newSession(user.id));
        const earlier = await s.sessions.create(newSession(user.id));
        const theirs = await s.sessions.create(newSession(other.id));
        const t0 = plus(a.createdAt, MINUTE);
        await s.sessions.revoke(earlier.id, t0, 'logout');

        expect(await s.sessions.revokeAllForUser(user.id, plus(t0, MINUTE), 'admin')).toBe(2);
        expect(await s.sessions.revokeAllForUser(user.id, plus(t0, 2 * MINUTE), 'admin')).toBe(0);
        for (const id of [a.id, b.id]) {
          expect(await s.sessions.findById(id)).toMatchObject({
            revokedAt: plus(t0, MINUTE),
            revokedReason: 'admin',
          });
        }
        expect(await s.sessions.findById(earlier.id)).toMatchObject({
          revokedAt: t0,
          revokedReason: 'logout',
        });
        expect((await s.sessions.findById(theirs.id))?.revokedAt).toBeNull();
      });

      test('when listing active sessions, then revoked and expired ones are left out, newest first, by cursor', async (s) => {
        const user = await aUser(s);
        const t0 = now();
        const at = (sec: number) => plus(t0, sec * SECOND);
        const s1 = await s.sessions.create(newSession(user.id, { createdAt: at(1) }));
        const s2 = await s.sessions.create(newSession(user.id, { createdAt: at(2) }));
        const s3 = await s.sessions.create(newSession(user.id, { createdAt: at(3) }));
        const s3b = await s.sessions.create(newSession(user.id, { createdAt: at(3) }));
        const revoked = await s.sessions.create(newSession(user.id, { createdAt: at(4) }));
        await s.sessions.revoke(revoked.id, at(5), 'logout');
        const listAt = at(10);
        await s.sessions.create(newSession(user.id, { createdAt: at(5), expiresAt: at(9) }));
        await s.sessions.create(newSession(user.id, { createdAt: at(6), expiresAt: listAt }));
        await s.sessions.create(newSession((await aUser(s)).id, { createdAt: at(7) }));

        const expected = [s1, s2, s3, s3b]
          .sort(byCreatedThenId)
          .reverse()
          .map((x) => x.id);
        const page1 = await s.sessions.listActiveForUser(user.id, listAt, { limit: 3 });
        const page2 = await s.sessions.listActiveForUser(user.id, listAt, { limit: 3, after: page1[2] });

        expect(page1.map((x) => x.id)).toEqual(expected.slice(0, 3));
        expect(page2.map((x) => x.id)).toEqual(expected.slice(3));
        expect(page1[0]).toEqual([s3, s3b].find((x) => x.id === expected[0]));
        expect(await s.sessions.listActiveForUser(randomUUID(), listAt, { limit: 3 })).toEqual([]);
      });

      test('when counted, then the total counts all and activeAt counts live, unrevoked ones', async (s) => {
        const user = await aUser(s);
        const t0 = now();
        const totalBefore = await s.sessions.count({});
        const activeBefore = await s.sessions.count({ activeAt: t0 });
        await s.sessions.create(newSession(user.id, { createdAt: t0 }));
        await s.sessions.create(newSession(user.id, { createdAt: plus(t0, -2 * HOUR), expiresAt: t0 }));
        const revoked = await s.sessions.create(newSession(user.id, { createdAt: t0 }));
        await s.sessions.revoke(revoked.id, t0, 'logout');

        expect(await s.sessions.count({})).toBe(totalBefore + 3);
        expect(await s.sessions.count({ activeAt: t0 })).toBe(activeBefore + 1);
      });

      test('when deleteExpired runs, then sessions expired before the cut-off go with their tokens', async (s) => {
        const user = await aUser(s);
        const base = windowIn(1980, 5);
        const old = await s.sessions.create(
          newSession(user.id, { createdAt: base, expiresAt: plus(base, HOUR) }),
        );
        const kept = await s.sessions.create(
          newSession(user.id, { createdAt: base, expiresAt: plus(base, 3 * HOUR) }),
        );
        const token = newRefresh(old.id);
        await s.refreshTokens.insert(token);

        expect(await s.sessions.deleteExpired(plus(base, 2 * HOUR))).toBe(1);
        expect(await s.sessions.findById(old.id)).toBeUndefined();
        expect(await s.sessions.findById(kept.id)).toEqual(kept);
        expect(await s.transaction((tx) => tx.refreshTokens.lockByHash(token.tokenHash))).toBeUndefined();
      });

      test('when a user is deleted, then their sessions and refresh tokens go too', async (s) => {
        const user = await aUser(s);
        const bystander = await aUser(s);
        const session = await s.sessions.create(newSession(user.id));
        const token = newRefresh(session.id);
        await s.refreshTokens.insert(token);
        await s.refreshTokens.insert(newRefresh(session.id, { parentHash: token.tokenHash }));
        const theirs = await s.sessions.create(newSession(bystander.id));

        expect(await s.users.delete(user.id)).toBe(true);
        expect(await s.sessions.findById(session.id)).toBeUndefined();
        expect(await s.refreshTokens.findChild(token.tokenHash)).toBeUndefined();
        expect(await s.transaction((tx) => tx.refreshTokens.lockByHash(token.tokenHash))).toBeUndefined();
        expect(await s.sessions.findById(theirs.id)).toEqual(theirs);
      });
    });

    describe('refreshTokens', () => {
      test('when inserted, then lockByHash finds it by hash; an unknown hash is undefined', async (s) => {
        const session = await aSession(s);
        const token = newRefresh(session.id);
        await s.refreshTokens.insert(token);
        const [found, missing] = await s.transaction(async (tx) => [
          await tx.refreshTokens.lockByHash(token.tokenHash),
          await tx.refreshTokens.lockByHash(tokenHash()),
        ]);
        expect(found).toEqual(token);
        expect(missing).toBeUndefined();
      });

      test('when a child is inserted, then findChild finds it from its parent', async (s) => {
        const session = await aSession(s);
        const parent = newRefresh(session.id);
        const child = newRefresh(session.id, { parentHash: parent.tokenHash });
        await s.refreshTokens.insert(parent);
        await s.refreshTokens.insert(child);
        expect(await s.refreshTokens.findChild(parent.tokenHash)).toEqual(child);
        expect(await s.refreshTokens.findChild(child.tokenHash)).toBeUndefined();
      });

      test('when markRotated runs, then rotatedAt is stamped', async (s) => {
        const session = await aSession(s);
        const token = newRefresh(session.id);
        await s.refreshTokens.insert(token);
        const at = plus(token.createdAt, SECOND);
        await s.refreshTokens.markRotated(token.tokenHash, at);
        expect(await s.transaction((tx) => tx.refreshTokens.lockByHash(token.tokenHash))).toEqual({
          ...token,
          rotatedAt: at,
        });
      });

      test('when a second child of one parent is inserted, then it is rejected with ConflictError', async (s) => {
        const session = await aSession(s);
        const parent = newRefresh(session.id);
        const child = newRefresh(session.id, { parentHash: parent.tokenHash });
        await s.refreshTokens.insert(parent);
        await s.refreshTokens.insert(child);

        await expect(
          s.refreshTokens.insert(newRefresh(session.id, { parentHash: parent.tokenHash })),
        ).rejects.toBeInstanceOf(ConflictError);
        expect(await s.refreshTokens.findChild(parent.tokenHash)).toEqual(child);
      });

      test('when a token hash is inserted twice, then the second is rejected with ConflictError', async (s) => {
        const session = await aSession(s);
        const token = newRefresh(session.id);
        await s.refreshTokens.insert(token);
        await expect(
          s.refreshTokens.insert({ ...token, createdAt: plus(token.createdAt, 1) }),
        ).rejects.toBeInstanceOf(ConflictError);
      });
    });

    if (options.rotatesInOneStep) {
      describe('rotateRefreshToken', () => {
        const rotate = (s: Store, input: Parameters<NonNullable<Store['rotateRefreshToken']>>[0]) => {
          if (!s.rotateRefreshToken) throw new Error('this store does not implement rotateRefreshToken');
          return s.rotateRefreshToken(input);
        };
        /** A live session with one current token, and the state a refused rotation must leave. */
        const current = async (s: Store, overrides: Partial<Session> = {}) => {
          const user = await aUser(s);
          const session = await s.sessions.create(newSession(user.id, overrides));
          const token = newRefresh(session.id);
          await s.refreshTokens.insert(token);
          return { user, session, token };
        };
        const unchanged = async (s: Store, session: Session, token: RefreshTokenRecord) => {
          expect(await s.transaction((tx) => tx.refreshTokens.lockByHash(token.tokenHash))).toEqual(token);
          expect(await s.refreshTokens.findChild(token.tokenHash)).toBeUndefined();
          expect(await s.sessions.findById(session.id)).toEqual(session);
        };

        test('when the token is current and its session live, then it is rotated, its child stored and the session touched', async (s) => {
          const { user, session, token } = await current(s);
          const at = plus(session.createdAt, 5 * MINUTE);
          const successorHash = tokenHash();

          const out = await rotate(s, {
            tokenHash: token.tokenHash,
            successorHash,
            now: at,
            idleExpiresAt: plus(at, HOUR),
          });

          const touched = { ...session, lastUsedAt: at, expiresAt: plus(at, HOUR) };
          expect(out).toEqual({ session: touched, user });
          expect(await s.sessions.findById(session.id)).toEqual(touched);
          expect(await s.transaction((tx) => tx.refreshTokens.lockByHash(token.tokenHash))).toEqual({
            ...token,
            rotatedAt: at,
          });
          expect(await s.refreshTokens.findChild(token.tokenHash)).toEqual({
            tokenHash: successorHash,
            sessionId: session.id,
            parentHash: token.tokenHash,
            createdAt: at,
            rotatedAt: null,
          });
        });

        test('when the idle expiry passes the absolute one, then the absolute expiry caps it', async (s) => {
          const { session, token } = await current(s);
          const at = plus(session.createdAt, MINUTE);
          const out = await rotate(s, {
            tokenHash: token.tokenHash,
            successorHash: tokenHash(),
            now: at,
            idleExpiresAt: plus(session.absoluteExpiresAt, DAY),
          });
          expect(out?.session.expiresAt).toEqual(session.absoluteExpiresAt);
        });

        test('when the token was already rotated, then nothing changes and it returns undefined', async (s) => {
          const { session, token } = await current(s);
          const at = plus(session.createdAt, MINUTE);
          const input = {
            tokenHash: token.tokenHash,
            successorHash: tokenHash(),
            now: at,
            idleExpiresAt: plus(at, HOUR),
          };
          expect(await rotate(s, input)).toBeDefined();
          const after = await s.sessions.findById(session.id);

          expect(
            await rotate(s, { ...input, successorHash: tokenHash(), now: plus(at, SECOND) }),
          ).toBeUndefined();
          expect(await s.sessions.findById(session.id)).toEqual(after);
          expect((await s.refreshTokens.findChild(token.tokenHash))?.tokenHash).toBe(input.successorHash);
        });

        test('when the session is revoked, then nothing changes and it returns undefined', async (s) => {
          const { session, token } = await current(s);
          const at = plus(session.createdAt, MINUTE);
          await s.sessions.revoke(session.id, at, 'logout');
          const revoked = { ...session, revokedAt: at, revokedReason: 'logout' };
          const input = {
            tokenHash: token.tokenHash,
            successorHash: tokenHash(),
            now: at,
            idleExpiresAt: plus(at, HOUR),
          };

          expect(await rotate(s, input)).toBeUndefined();
          await unchanged(s, revoked, token);
        });

        test('when the session is idle-expired or past its absolute expiry, then nothing changes and it returns undefined', async (s) => {
          const idle = await current(s);
          const atIdle = idle.session.expiresAt;
          expect(
            await rotate(s, {
              tokenHash: idle.token.tokenHash,
              successorHash: tokenHash(),
              now: atIdle,
              idleExpiresAt: plus(atIdle, HOUR),
            }),
          ).toBeUndefined();
          await unchanged(s, idle.session, idle.token);

          const created = now();
          const old = await current(s, {
            expiresAt: plus(created, 40 * DAY),
            absoluteExpiresAt: plus(created, DAY),
          });
          const atAbsolute = plus(created, 2 * DAY);
          expect(
            await rotate(s, {
              tokenHash: old.token.tokenHash,
              successorHash: tokenHash(),
              now: atAbsolute,
              idleExpiresAt: plus(atAbsolute, HOUR),
            }),
          ).toBeUndefined();
          await unchanged(s, old.session, old.token);
        });

        test('when the hash is unknown, then it returns undefined', async (s) => {
          const at = now();
          expect(
            await rotate(s, {
              tokenHash: tokenHash(),
              successorHash: tokenHash(),
              now: at,
              idleExpiresAt: plus(at, HOUR),
            }),
          ).toBeUndefined();
        });

        test('when one token is rotated twice at once, then exactly one rotation wins and one child exists', async (s) => {
          const { session, token } = await current(s);
          const at = plus(session.createdAt, MINUTE);
          const attempts = [tokenHash(), tokenHash(), tokenHash()].map((successorHash) =>
            rotate(s, { tokenHash: token.tokenHash, successorHash, now: at, idleExpiresAt: plus(at, HOUR) }),
          );
          const results = await Promise.all(attempts);
          expect(results.filter((r) => r !== undefined)).toHaveLength(1);
          const child = await s.refreshTokens.findChild(token.tokenHash);
          expect(child?.parentHash).toBe(token.tokenHash);
        });
      });
    }

    describe('code request admission', () => {
      /** The store's one step where it has one (SQL), and the transaction every store can run. */
      type Admit = (s: Store, input: CodeRequestInput) => Promise<CodeRequestOutcome>;
      const inOneStep: Admit = (s, input) => {
        if (!s.admitCodeRequest) throw new Error('this store does not implement admitCodeRequest');
        return s.admitCodeRequest(input);
      };
      const ways: Array<[string, Admit]> = [
        ['in a transaction', (s, input) => s.transaction((tx) => admitCodeRequest(tx, input))],
        ...(options.admitsInOneStep
          ? [['in one step (Store.admitCodeRequest)', inOneStep] as [string, Admit]]
          : []),
      ];
      const request = (overrides: Partial<CodeRequestInput> = {}): CodeRequestInput => {
        const email = overrides.email ?? uniqueEmail('admit');
        const at = overrides.now ?? now();
        return {
          email,
          emailDomain: email.slice(email.lastIndexOf('@') + 1),
          requestIp: uniqueIp(),
          now: at,
          expiresAt: plus(at, 10 * MINUTE),
          cooldownSeconds: 60,
          maxPerIpPerHour: 3,
          maxPerEmailPerHour: 2,
          maxPerDomainPerHour: 4,
          ...overrides,
        };
      };

      describe.each(ways)('%s', (_how, admit) => {
        test("when nothing applies, then a code row is created with the request's fields", async (s) => {
          const input = request();
          const out = await admit(s, input);
          if (out.kind !== 'created') throw new Error(`expected created, got ${out.kind}`);
          const [row] = await s.otps.lockNewest(input.email, 5);
          expect(row).toMatchObject({
            id: out.otpId,
            email: input.email,
            codeHash: null,
            attempts: 0,
            createdAt: input.now,
            expiresAt: input.expiresAt,
            consumedAt: null,
          });
        });

        test('when the last code is younger than the cooldown, then it answers cooldown with the seconds left and creates nothing', async (s) => {
          const first = request();
          await admit(s, first);
          const again = { ...first, requestIp: uniqueIp(), now: plus(first.now, 20 * SECOND) };
          expect(await admit(s, again)).toEqual({ kind: 'cooldown', retryAfterSeconds: 40 });
          expect(await s.otps.countCreatedSince({ email: first.email }, plus(first.now, -HOUR))).toBe(1);
          // Once the cooldown is over, the same address is admitted again.
          expect((await admit(s, { ...again, now: plus(first.now, 60 * SECOND) })).kind).toBe('created');
        });

        test('when the IP spent its hourly cap, then it answers ip_capped; the hour counts only the last hour', async (s) => {
          const ip = uniqueIp();
          const start = now();
          for (let i = 0; i < 3; i++) {
            expect((await admit(s, request({ requestIp: ip, now: plus(start, i * SECOND) }))).kind).toBe(
              'created',
            );
          }
          expect((await admit(s, request({ requestIp: ip, now: plus(start, 10 * SECOND) }))).kind).toBe(
            'ip_capped',
          );
          expect((await admit(s, request({ requestIp: ip, now: plus(start, HOUR + 5 * SECOND) }))).kind).toBe(
            'created',
          );
        });

        test('when the address or its domain spent its cap, then it answers capped (the hidden caps)', async (s) => {
          const email = uniqueEmail('capped');
          const start = now();
          for (let i = 0; i < 2; i++) {
            const out = await admit(s, request({ email, now: plus(start, i * 2 * MINUTE) }));
            expect(out.kind).toBe('created');
          }
          expect((await admit(s, request({ email, now: plus(start, 10 * MINUTE) }))).kind).toBe('capped');

          const domain = uniqueDomain();
          for (let i = 0; i < 4; i++) {
            expect((await admit(s, request({ email: uniqueEmail('dom', domain), now: start }))).kind).toBe(
              'created',
            );
          }
          expect((await admit(s, request({ email: uniqueEmail('dom', domain), now: start }))).kind).toBe(
            'capped',
          );
        });

        test('when five requests for one address race, then exactly one code is created and the rest wait out the cooldown', async (s) => {
          const email = uniqueEmail('race');
          const at = now();
          const outs = await Promise.all(
            Array.from({ length: 5 }, () => admit(s, request({ email, now: at, maxPerEmailPerHour: 10 }))),
          );
          expect(outs.filter((o) => o.kind === 'created')).toHaveLength(1);
          expect(outs.filter((o) => o.kind === 'cooldown')).toHaveLength(4);
          expect(await s.otps.countCreatedSince({ email }, plus(at, -HOUR))).toBe(1);
        });
      });

      if (options.admitsInOneStep) {
        test('when the store admits in one step, then it also tells whether the address is suppressed, and only for a created code', async (s) => {
          const listed = request({ email: uniqueEmail('suppressed') });
          await s.suppressions.add({
            email: listed.email,
            reason: 'bounce',
            source: 'test',
            createdAt: listed.now,
          });
          expect(await inOneStep(s, listed)).toMatchObject({ kind: 'created', suppressed: true });

          const clean = request();
          expect(await inOneStep(s, clean)).toMatchObject({ kind: 'created', suppressed: false });

          // A refused request reads nothing more: the cooldown answer is as before.
          const again = { ...listed, requestIp: uniqueIp(), now: plus(listed.now, 10 * SECOND) };
          expect(await inOneStep(s, again)).toEqual({ kind: 'cooldown', retryAfterSeconds: 50 });

          // Removed from the list, the next admitted request says so.
          await s.suppressions.remove(listed.email);
          const later = { ...listed, requestIp: uniqueIp(), now: plus(listed.now, 2 * MINUTE) };
          expect(await inOneStep(s, later)).toMatchObject({ kind: 'created', suppressed: false });
        });
      }
    });

    describe('verify attempt counting', () => {
      type Count = (s: Store, input: VerifyAttemptInput) => Promise<VerifyAttemptOutcome>;
      const inOneStep: Count = (s, input) => {
        if (!s.countVerifyAttempt) throw new Error('this store does not implement countVerifyAttempt');
        return s.countVerifyAttempt(input);
      };
      const ways: Array<[string, Count]> = [
        ['in a transaction', (s, input) => s.transaction((tx) => countVerifyAttempt(tx, input))],
        ...(options.admitsInOneStep
          ? [['in one step (Store.countVerifyAttempt)', inOneStep] as [string, Count]]
          : []),
      ];
      const attempt = (
        email: string,
        at: Date,
        overrides: Partial<VerifyAttemptInput> = {},
      ): VerifyAttemptInput => ({
        email,
        ip: uniqueIp(),
        now: at,
        activeCodes: 3,
        maxAttempts: 3,
        maxFailedPerIpPerHour: 2,
        maxFailedPerEmailPerHour: 4,
        ...overrides,
      });
      /** A code row with a hash, as the mail worker leaves it. */
      const code = async (s: Store, overrides: Partial<NewOtp>) => {
        const id = await s.otps.create(newOtp(overrides));
        const hash = `hash-${hex()}`;
        expect(await s.otps.setCodeHash(id, hash, overrides.createdAt ?? now())).toBe(true);
        return { id, codeHash: hash };
      };
      const byId = async (s: Store, email: string) =>
        new Map((await s.otps.lockNewest(email, 10)).map((o) => [o.id, o]));
      const sorted = (c: Array<{ id: string; codeHash: string }>) =>
        [...c].sort((a, b) => a.id.localeCompare(b.id));

      describe.each(ways)('%s', (_how, count) => {
        test('when budgets are left, then each live code gains an attempt, one failure is recorded and the live codes come back', async (s) => {
          const email = uniqueEmail('count');
          const t0 = plus(now(), -5 * MINUTE);
          const oldest = await code(s, { email, createdAt: t0 });
          const live1 = await code(s, { email, createdAt: plus(t0, MINUTE) });
          const spent = await code(s, { email, createdAt: plus(t0, 2 * MINUTE) });
          for (let i = 0; i < 3; i++) await s.otps.incrementAttempts([spent.id]);
          const expired = await code(s, {
            email,
            createdAt: plus(t0, 3 * MINUTE),
            expiresAt: plus(t0, 4 * MINUTE),
          });
          const live2 = await code(s, { email, createdAt: plus(t0, 4 * MINUTE) });
          const unminted = await s.otps.create(newOtp({ email, createdAt: plus(t0, 4 * MINUTE + SECOND) }));
          const at = now();
          const input = attempt(email, at, { activeCodes: 5 });

          const out = await count(s, input);

          if (out.kind !== 'counted') throw new Error(`expected counted, got ${out.kind}`);
          // The oldest code is beyond the 5 newest: not a candidate, and untouched.
          expect(sorted(out.candidates)).toEqual(sorted([live1, live2]));
          const rows = await byId(s, email);
          expect(rows.get(live1.id)?.attempts).toBe(1);
          expect(rows.get(live2.id)?.attempts).toBe(1);
          expect(rows.get(oldest.id)?.attempts).toBe(0);
          expect(rows.get(spent.id)?.attempts).toBe(3);
          expect(rows.get(expired.id)?.attempts).toBe(0);
          expect(rows.get(unminted)?.attempts).toBe(0);
          expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(1);
          expect(await s.authFailures.countSince({ ip: input.ip }, plus(at, -HOUR))).toBe(1);
        });

        test('when the IP spent its failure budget, then it is locked until its oldest failure of the hour ages out, and nothing changes', async (s) => {
          const email = uniqueEmail('iplocked');
          const ip = uniqueIp();
          const at = now();
          const live = await code(s, { email, createdAt: plus(at, -MINUTE) });
          await s.authFailures.record({ email: uniqueEmail('other'), ip, at: plus(at, -2 * HOUR) });
          await s.authFailures.record({ email: uniqueEmail('other'), ip, at: plus(at, -40 * MINUTE) });
          await s.authFailures.record({ email: uniqueEmail('other'), ip, at: plus(at, -10 * MINUTE) });

          expect(await count(s, attempt(email, at, { ip }))).toEqual({
            kind: 'locked',
            retryAfterSeconds: 20 * 60,
          });
          expect((await byId(s, email)).get(live.id)?.attempts).toBe(0);
          expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(0);
        });

        test('when the address spent its failure budget, then it is locked from any IP', async (s) => {
          const email = uniqueEmail('emaillocked');
          const at = now();
          for (let i = 1; i <= 4; i++) {
            await s.authFailures.record({ email, ip: uniqueIp(), at: plus(at, -i * 5 * MINUTE) });
          }
          expect(await count(s, attempt(email, at))).toEqual({ kind: 'locked', retryAfterSeconds: 40 * 60 });
        });

        test('when six guesses race on a code with three attempts, then exactly three get it as a candidate', async (s) => {
          const email = uniqueEmail('race');
          const at = now();
          const target = await code(s, { email, createdAt: plus(at, -MINUTE) });
          const outs = await Promise.all(
            Array.from({ length: 6 }, () =>
              count(s, attempt(email, at, { maxFailedPerIpPerHour: 100, maxFailedPerEmailPerHour: 100 })),
            ),
          );
          const withCode = outs.filter(
            (o) => o.kind === 'counted' && o.candidates.some((c) => c.id === target.id),
          );
          expect(withCode).toHaveLength(3);
          expect((await byId(s, email)).get(target.id)?.attempts).toBe(3);
          expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(6);
        });
      });
    });

    describe('ipRules', () => {
      const uniqueCidr = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.0/24`;
      const uniqueV6 = () => `2001:db8:${hex(2)}::/48`;

      test('when a rule is created, then it is returned with an id and listed, oldest first', async (s) => {
        const t0 = now();
        const first = await s.ipRules.create({
          cidr: uniqueV6(),
          action: 'deny',
          note: 'abuse',
          createdAt: t0,
        });
        const second = await s.ipRules.create({
          cidr: uniqueCidr(),
          action: 'allow',
          note: null,
          createdAt: plus(t0, SECOND),
        });
        expect(first.created).toBe(true);
        expect(first.rule).toEqual({
          id: expect.any(String),
          cidr: first.rule.cidr,
          action: 'deny',
          note: 'abuse',
          createdAt: t0,
        });
        const ours = (await s.ipRules.list()).filter((r) => [first.rule.id, second.rule.id].includes(r.id));
        expect(ours).toEqual([first.rule, second.rule]);
      });

      test('when the same cidr and action are created again, then the stored rule comes back with created false', async (s) => {
        const cidr = uniqueCidr();
        const original = await s.ipRules.create({ cidr, action: 'deny', note: 'first', createdAt: now() });
        const again = await s.ipRules.create({
          cidr,
          action: 'deny',
          note: 'second',
          createdAt: plus(now(), MINUTE),
        });
        expect(again).toEqual({ rule: original.rule, created: false });

        const opposite = await s.ipRules.create({ cidr, action: 'allow', note: null, createdAt: now() });
        expect(opposite.created).toBe(true);
        expect(opposite.rule.id).not.toBe(original.rule.id);
      });

      test('when a rule is deleted, then it is gone and a second delete is false', async (s) => {
        const { rule } = await s.ipRules.create({
          cidr: uniqueCidr(),
          action: 'deny',
          note: null,
          createdAt: now(),
        });
        expect(await s.ipRules.delete(rule.id)).toBe(true);
        expect(await s.ipRules.delete(rule.id)).toBe(false);
        expect((await s.ipRules.list()).map((r) => r.id)).not.toContain(rule.id);
      });
    });

    describe('transaction', () => {
      test('when the work succeeds, then its writes are committed and its result returned', async (s) => {
        const email = uniqueEmail('commit');
        const result = await s.transaction(async (tx) => {
          const user = await tx.users.upsertOnLogin(email, now());
          const session = await tx.sessions.create(newSession(user.id));
          expect(await tx.users.findByEmail(email)).toEqual(user);
          return { user, session };
        });
        expect(await s.users.findByEmail(email)).toEqual(result.user);
        expect(await s.sessions.findById(result.session.id)).toEqual(result.session);
      });

      test('when the work throws, then every write is rolled back and the error comes out unchanged', async (s) => {
        const email = uniqueEmail('rollback');
        const existing = await aUser(s);
        const failure = new Error('work failed');
        let sessionId = '';
        const otp = newOtp();
        await expect(
          s.transaction(async (tx) => {
            const user = await tx.users.upsertOnLogin(email, now());
            sessionId = (await tx.sessions.create(newSession(user.id))).id;
            await tx.otps.create(otp);
            await tx.authFailures.record({ email, ip: otp.requestIp, at: now() });
            await tx.users.upsertOnLogin(existing.email, plus(now(), HOUR));
            throw failure;
          }),
        ).rejects.toBe(failure);

        expect(await s.users.findByEmail(email)).toBeUndefined();
        expect(await s.sessions.findById(sessionId)).toBeUndefined();
        expect(await s.otps.latestCreatedAt(otp.email)).toBeUndefined();
        expect(await s.authFailures.countSince({ email }, new Date(0))).toBe(0);
        expect(await s.users.findById(existing.id)).toEqual(existing);
      });

      test('when a write inside the work conflicts, then the whole transaction is rolled back', async (s) => {
        const session = await aSession(s);
        const parent = newRefresh(session.id);
        await s.refreshTokens.insert(parent);
        await s.refreshTokens.insert(newRefresh(session.id, { parentHash: parent.tokenHash }));
        const email = uniqueEmail('conflict');

        await expect(
          s.transaction(async (tx) => {
            await tx.users.upsertOnLogin(email, now());
            await tx.refreshTokens.insert(newRefresh(session.id, { parentHash: parent.tokenHash }));
          }),
        ).rejects.toBeInstanceOf(ConflictError);
        expect(await s.users.findByEmail(email)).toBeUndefined();
      });
    });
  });
}
