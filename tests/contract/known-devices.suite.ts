import { hex, now, plus, uniqueEmail } from './fixtures';
import type { ContractSuite } from './harness';

/** The new-sign-in email's records: the devices per user and the used revoke links. */
export const knownDevicesSuite: ContractSuite = ({ test }) => {
  describe('knownDevices', () => {
    test('when a user signs in from devices, then only the first is firstDevice and only unseen ones are new', async (s) => {
      const user = await s.users.upsertOnLogin(uniqueEmail('device'), now());
      const [a, b] = [hex(16), hex(16)];
      expect(await s.knownDevices.remember(user.id, a, now())).toEqual({ isNew: true, firstDevice: true });
      expect(await s.knownDevices.remember(user.id, a, plus(now(), 1000))).toEqual({
        isNew: false,
        firstDevice: true,
      });
      expect(await s.knownDevices.remember(user.id, b, now())).toEqual({ isNew: true, firstDevice: false });
      expect(await s.knownDevices.remember(user.id, a, now())).toEqual({ isNew: false, firstDevice: false });
      const other = await s.users.upsertOnLogin(uniqueEmail('device'), now());
      expect(await s.knownDevices.remember(other.id, a, now())).toEqual({ isNew: true, firstDevice: true });
    });

    test('when devices are forgotten before a time, then only the ones not seen since are new again', async (s) => {
      const user = await s.users.upsertOnLogin(uniqueEmail('device-old'), now());
      const [old, recent] = [hex(16), hex(16)];
      const longAgo = new Date(Date.UTC(1990, 0, 1));
      await s.knownDevices.remember(user.id, old, longAgo);
      await s.knownDevices.remember(user.id, recent, now());
      expect(await s.knownDevices.forgetBefore(new Date(Date.UTC(1990, 0, 2)))).toBeGreaterThanOrEqual(1);
      expect((await s.knownDevices.remember(user.id, old, now())).isNew).toBe(true);
      expect((await s.knownDevices.remember(user.id, recent, now())).isNew).toBe(false);
    });

    test('when a user is deleted, then their devices go with them', async (s) => {
      const email = uniqueEmail('device-gone');
      const user = await s.users.upsertOnLogin(email, now());
      const fp = hex(16);
      await s.knownDevices.remember(user.id, fp, now());
      expect(await s.users.delete(user.id)).toBe(true);
      const again = await s.users.upsertOnLogin(email, now());
      expect(await s.knownDevices.remember(again.id, fp, now())).toEqual({ isNew: true, firstDevice: true });
    });
  });

  describe('sessionLinks', () => {
    test('when a link is claimed twice, or by racing requests, then exactly one claim wins', async (s) => {
      const id = hex(16);
      expect(await s.sessionLinks.claim(id, plus(now(), 60_000))).toBe(true);
      expect(await s.sessionLinks.claim(id, plus(now(), 60_000))).toBe(false);
      const racing = hex(16);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => s.sessionLinks.claim(racing, plus(now(), 60_000))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test('when expired links are deleted, then the live ones stay used', async (s) => {
      const [old, live] = [hex(16), hex(16)];
      await s.sessionLinks.claim(old, plus(now(), 1_000));
      await s.sessionLinks.claim(live, plus(now(), 600_000));
      expect(await s.sessionLinks.deleteExpired(plus(now(), 2_000))).toBeGreaterThanOrEqual(1);
      expect(await s.sessionLinks.claim(live, plus(now(), 600_000))).toBe(false);
      expect(await s.sessionLinks.claim(old, plus(now(), 600_000))).toBe(true);
    });
  });
};
