import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/store/store';
import { hex, newOtp, newSession, now, plus, uniqueEmail } from './fixtures';
import type { ContractSuite } from './harness';

async function userWithSession(s: Store) {
  const user = await s.users.upsertOnLogin(uniqueEmail('mfa'), now());
  const session = await s.sessions.create(newSession(user.id));
  return { user, session };
}

const factor = (userId: string) => ({
  id: randomUUID(),
  userId,
  secretEncrypted: `v1.${hex()}`,
  createdAt: now(),
});

export const mfaSuite: ContractSuite = ({ test }) => {
  describe('mfa', () => {
    test('when a factor is enrolled twice, then the unconfirmed one is replaced; an active one is kept', async (s) => {
      const { user } = await userWithSession(s);
      const first = await s.mfa.enrol(factor(user.id));
      const second = await s.mfa.enrol(factor(user.id));
      expect(second?.id).not.toBe(first?.id);
      expect((await s.mfa.findFactor(user.id))?.id).toBe(second?.id);
      expect(await s.mfa.useStep(second!.id, 100, { activateAt: now() })).toBe(true);
      const active = await s.mfa.findFactor(user.id);
      expect(active).toMatchObject({ status: 'active', lastUsedStep: 100 });
      expect(await s.mfa.enrol(factor(user.id))).toBeUndefined();
      expect((await s.mfa.findFactor(user.id))?.id).toBe(second?.id);
    });

    test('when a step is used, then it and earlier steps are refused; racing uses of one step: one wins', async (s) => {
      const { user } = await userWithSession(s);
      const f = (await s.mfa.enrol(factor(user.id)))!;
      expect(await s.mfa.useStep(f.id, 50, {})).toBe(false); // unconfirmed: only activation may use it
      expect(await s.mfa.useStep(f.id, 50, { activateAt: now() })).toBe(true);
      expect(await s.mfa.useStep(f.id, 50, {})).toBe(false);
      expect(await s.mfa.useStep(f.id, 49, {})).toBe(false);
      const raced = await Promise.all(Array.from({ length: 5 }, () => s.mfa.useStep(f.id, 51, {})));
      expect(raced.filter(Boolean)).toHaveLength(1);
      expect(await s.mfa.useStep(f.id, 52, { secretEncrypted: 'v1.new' })).toBe(true);
      expect(await s.mfa.findFactor(user.id)).toMatchObject({ secretEncrypted: 'v1.new', lastUsedStep: 52 });
    });

    test('when a recovery code is used, then it works once; replacing the codes drops the old ones', async (s) => {
      const { user } = await userWithSession(s);
      const [a, b] = [hex(32), hex(32)];
      await s.mfa.replaceRecoveryCodes(user.id, [a, b], now());
      expect(await s.mfa.useRecoveryCode(user.id, a, now())).toBe(true);
      expect(await s.mfa.useRecoveryCode(user.id, a, now())).toBe(false);
      const other = await userWithSession(s);
      expect(await s.mfa.useRecoveryCode(other.user.id, b, now())).toBe(false);
      await s.mfa.replaceRecoveryCodes(user.id, [hex(32)], now());
      expect(await s.mfa.useRecoveryCode(user.id, b, now())).toBe(false);
    });

    test('when recovery codes are used or replaced, then the count of unused ones follows, per user', async (s) => {
      const { user } = await userWithSession(s);
      const other = await userWithSession(s);
      expect(await s.mfa.countUnusedRecoveryCodes(user.id)).toBe(0);
      const codes = [hex(32), hex(32), hex(32)];
      await s.mfa.replaceRecoveryCodes(user.id, codes, now());
      await s.mfa.replaceRecoveryCodes(other.user.id, [hex(32)], now());
      expect(await s.mfa.countUnusedRecoveryCodes(user.id)).toBe(3);
      await s.mfa.useRecoveryCode(user.id, codes[1], now());
      expect(await s.mfa.countUnusedRecoveryCodes(user.id)).toBe(2);
      expect(await s.mfa.countUnusedRecoveryCodes(other.user.id)).toBe(1);
      await s.mfa.replaceRecoveryCodes(user.id, [hex(32)], now());
      expect(await s.mfa.countUnusedRecoveryCodes(user.id)).toBe(1);
      await s.mfa.deleteFactor(user.id);
      expect(await s.mfa.countUnusedRecoveryCodes(user.id)).toBe(0);
      expect(await s.mfa.countUnusedRecoveryCodes(other.user.id)).toBe(1);
    });

    test('when a factor is deleted, then it and the recovery codes are gone', async (s) => {
      const { user } = await userWithSession(s);
      await s.mfa.enrol(factor(user.id));
      const code = hex(32);
      await s.mfa.replaceRecoveryCodes(user.id, [code], now());
      expect(await s.mfa.deleteFactor(user.id)).toBe(true);
      expect(await s.mfa.findFactor(user.id)).toBeUndefined();
      expect(await s.mfa.useRecoveryCode(user.id, code, now())).toBe(false);
      expect(await s.mfa.deleteFactor(user.id)).toBe(false);
    });

    test('when a session is elevated, then it keeps aal2 and the latest authentication time', async (s) => {
      const { session } = await userWithSession(s);
      expect(await s.sessions.findById(session.id)).toMatchObject({ aal: 'aal1', authenticatedAt: null });
      const t1 = plus(now(), 1_000);
      expect(await s.mfa.elevateSession(session.id, 'aal2', t1)).toBe(true);
      expect(await s.sessions.findById(session.id)).toMatchObject({ aal: 'aal2', authenticatedAt: t1 });
      const t2 = plus(now(), 2_000);
      expect(await s.mfa.elevateSession(session.id, 'aal1', t2)).toBe(true);
      expect(await s.sessions.findById(session.id)).toMatchObject({ aal: 'aal2', authenticatedAt: t2 });
      await s.sessions.revoke(session.id, now(), 'test');
      expect(await s.mfa.elevateSession(session.id, 'aal2', t2)).toBe(false);
    });

    test('when a pending code is consumed for a step-up, then only once', async (s) => {
      const id = await s.otps.create(newOtp());
      expect(await s.mfa.consumeCode(id, now())).toBe(true);
      expect(await s.mfa.consumeCode(id, now())).toBe(false);
    });
  });
};
