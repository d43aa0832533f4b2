import { SECOND, MINUTE, HOUR, uniqueEmail, uniqueIp, now, plus, windowIn } from './fixtures';
import type { ContractSuite } from './harness';

export const authFailuresSuite: ContractSuite = ({ test }) => {
  describe('authFailures', () => {
    test('when failures are recorded, then countSince filters by email, IP and time', async (s) => {
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
};
