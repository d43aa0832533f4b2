import { uniqueEmail, now, plus, windowIn } from './fixtures';
import type { ContractSuite } from './harness';

export const suppressionsSuite: ContractSuite = ({ test }) => {
  describe('suppressions', () => {
    test('when an address is added, then it is found with its reason, source and time', async (s) => {
      const email = uniqueEmail('sup');
      const at = now();
      expect(await s.suppressions.add({ email, reason: 'bounce', source: 'sendgrid', createdAt: at })).toBe(
        true,
      );
      expect(await s.suppressions.find(email)).toEqual({
        email,
        reason: 'bounce',
        source: 'sendgrid',
        createdAt: at,
      });
    });

    test('when an address is added twice, then the first entry is kept and the second reports false', async (s) => {
      const email = uniqueEmail('sup');
      const at = now();
      await s.suppressions.add({ email, reason: 'bounce', source: 'ses', createdAt: at });
      expect(
        await s.suppressions.add({
          email,
          reason: 'dropped',
          source: 'sendgrid',
          createdAt: plus(at, 5000),
        }),
      ).toBe(false);
      expect(await s.suppressions.find(email)).toMatchObject({
        reason: 'bounce',
        source: 'ses',
        createdAt: at,
      });
    });

    test('when an address is removed, then it is gone, and removing it again reports false', async (s) => {
      const email = uniqueEmail('sup');
      await s.suppressions.add({ email, reason: 'manual', source: 'admin', createdAt: now() });
      expect(await s.suppressions.remove(email)).toBe(true);
      expect(await s.suppressions.find(email)).toBeUndefined();
      expect(await s.suppressions.remove(email)).toBe(false);
    });

    test('when an unknown address is looked up, then nothing is found', async (s) => {
      expect(await s.suppressions.find(uniqueEmail('nobody'))).toBeUndefined();
    });

    test('when listed in pages, then entries come newest first, each once, ties broken by email', async (s) => {
      // A private window far in the future: other tests' rows are all older and sort after these.
      const base = windowIn(2400, 50);
      const emails = Array.from({ length: 5 }, () => uniqueEmail('page'));
      // Two share a timestamp, so the email tiebreak is exercised.
      const times = [0, 1000, 1000, 2000, 3000].map((ms) => plus(base, ms));
      for (let i = 0; i < emails.length; i += 1) {
        await s.suppressions.add({
          email: emails[i],
          reason: 'complaint',
          source: 'ses',
          createdAt: times[i],
        });
      }
      const first = await s.suppressions.list({ limit: 2 });
      const second = await s.suppressions.list({
        limit: 2,
        before: { createdAt: first[1].createdAt, email: first[1].email },
      });
      const third = await s.suppressions.list({
        limit: 1,
        before: { createdAt: second[1].createdAt, email: second[1].email },
      });
      const seen = [...first, ...second, ...third].map((x) => x.email);
      const expected = emails
        .map((email, i) => ({ email, at: times[i].getTime() }))
        .sort((a, b) => b.at - a.at || (a.email < b.email ? 1 : -1))
        .map((x) => x.email);
      expect(seen).toEqual(expected);
    });

    test('when a reason outside the allowed set is stored, then the store refuses it', async (s) => {
      await expect(
        s.suppressions.add({
          email: uniqueEmail('bad'),
          reason: 'whatever' as never,
          source: 'admin',
          createdAt: now(),
        }),
      ).rejects.toThrow();
    });
  });
};
