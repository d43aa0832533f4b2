import { randomUUID } from 'node:crypto';
import type { mongoAuthRepositories } from '../../src/modules/auth/repositories/mongo/login-rules';
import {
  HOUR,
  MINUTE,
  SECOND,
  newOtp,
  newRefresh,
  newSession,
  now,
  plus,
  tokenHash,
  uniqueEmail,
  uniqueIp,
} from './fixtures';
import type { ContractSuite } from './harness';

/** The store's repositories as MongoDB has them, with the steps only its login rules take. */
type MongoView = ReturnType<typeof mongoAuthRepositories> & {
  transaction<T>(work: (tx: ReturnType<typeof mongoAuthRepositories>) => Promise<T>): Promise<T>;
};

/**
 * The repository steps that only MongoDB's login rules take (lockEmail, lockNewest,
 * incrementAttempts, consumeAll, consumeIfPending, claimGuessNotice, oldestSince, clearForEmail,
 * lockById, touch, lockByHash, markRotated): on PostgreSQL and PGlite the PL/pgSQL functions do them, so they
 * are in no port and these cases run only against MongoDB (TEST_MONGODB_URL). They were the
 * shared contract's cases (otps, authFailures, sessions, refreshTokens suites) while the ports had these methods.
 */
export const mongoOnlyStepsSuite: ContractSuite = ({ test: run, capabilities }) => {
  if (!capabilities.mongoOnlySteps) return;
  describe('MongoDB-only repository steps', () => {
    const test = (title: string, fn: (s: MongoView) => Promise<void>) =>
      run(title, (s) => fn(s as unknown as MongoView));
    const aUser = (s: MongoView) => s.users.upsertOnLogin(uniqueEmail('owner'), now());
    const aSession = async (s: MongoView) => s.sessions.create(newSession((await aUser(s)).id));
    const newest = async (s: MongoView, email: string, limit = 10) =>
      s.transaction((tx) => tx.otps.lockNewest(email, limit));

    describe('otps', () => {
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

      test('when claimGuessNotice runs, then it marks the email once an hour, apart from other emails', async (s) => {
        const email = uniqueEmail('notice');
        const t0 = now();
        const claim = (who: string, at: Date) =>
          s.transaction(async (tx) => {
            await tx.otps.lockEmail(who);
            return tx.otps.claimGuessNotice(who, at);
          });
        expect(await claim(email, t0)).toBe(true);
        expect(await claim(email, plus(t0, 59 * MINUTE))).toBe(false);
        expect(await claim(uniqueEmail('other'), plus(t0, MINUTE))).toBe(true);
        expect(await claim(email, plus(t0, HOUR))).toBe(true);
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

      test('when consumeIfPending runs, then it consumes a pending unexpired code once, never an expired one', async (s) => {
        const input = newOtp();
        const id = await s.otps.create(input);
        const at = plus(input.createdAt, SECOND);
        expect(await s.otps.consumeIfPending(id, at)).toBe(true);
        expect(await s.otps.consumeIfPending(id, plus(at, SECOND))).toBe(false);
        expect((await newest(s, input.email))[0].consumedAt).toEqual(at);
        const late = newOtp();
        const lateId = await s.otps.create(late);
        expect(await s.otps.consumeIfPending(lateId, late.expiresAt)).toBe(false);
        expect((await newest(s, late.email))[0].consumedAt).toBeNull();
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
      // countSince on the same rows is the shared authFailures suite's case; this one adds oldestSince.
      test('when failures are recorded, then oldestSince filters by email, IP and time', async (s) => {
        const email = uniqueEmail('fail');
        const ip = uniqueIp();
        const t0 = now();
        for (const sec of [0, 1, 2]) await s.authFailures.record({ email, ip, at: plus(t0, sec * SECOND) });
        await s.authFailures.record({ email: uniqueEmail('fail-other'), ip, at: plus(t0, 3 * SECOND) });

        const before = plus(t0, -1);

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
    });

    describe('sessions', () => {
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
    });
  });
};
