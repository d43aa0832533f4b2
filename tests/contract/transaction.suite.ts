import { ConflictError } from '../../src/platform/errors/app-error';
import { HOUR, hex, uniqueEmail, now, plus, newOtp, newSession, newRefresh, newMessage } from './fixtures';
import { aUser, aSession, type ContractSuite } from './harness';

export const transactionSuite: ContractSuite = ({ test }) => {
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

  describe('in a transaction', () => {
    test('when the work fails, then an event, a suppression and a status move are all rolled back', async (s) => {
      const m = await s.emailMessages.create(newMessage());
      const email = uniqueEmail('tx');
      const event = {
        provider: 'sendgrid',
        providerEventId: `ev-${hex()}`,
        messageId: m.id,
        type: 'bounce',
        occurredAt: now(),
      };
      await expect(
        s.transaction(async (tx) => {
          await tx.emailEvents.recordOnce(event);
          await tx.suppressions.add({ email, reason: 'bounce', source: 'sendgrid', createdAt: now() });
          await tx.emailMessages.advanceStatus(m.id, 'bounced', ['sent'], now());
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await s.suppressions.find(email)).toBeUndefined();
      expect((await s.emailMessages.findById(m.id))?.status).toBe('sent');
      expect(await s.emailEvents.recordOnce(event)).toBe(true);
    });
  });
};
