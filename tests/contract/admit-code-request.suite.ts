import type { CodeRequestInput } from '../../src/modules/auth/auth.ports';
import type { Store } from '../../src/store/store';
import { HOUR, MINUTE, SECOND, now, plus, uniqueDomain, uniqueEmail, uniqueIp } from './fixtures';
import { type ContractSuite } from './harness';

/**
 * `AuthStore.admitCodeRequest`. PostgreSQL and PGlite: otp_admit_request (migration 7) and the
 * suppression EXISTS beside it; MongoDB: a transaction that also reads the suppression list.
 */
export const admitCodeRequestSuite: ContractSuite = ({ test }) => {
  describe('code request admission', () => {
    const admit = (s: Store, input: CodeRequestInput) => s.admitCodeRequest(input);
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

    test("when nothing applies, then a code row is created with the request's fields", async (s) => {
      const input = request();
      const out = await admit(s, input);
      if (out.kind !== 'created') throw new Error(`expected created, got ${out.kind}`);
      const [row] = await s.otps.listNewest(input.email, 5);
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

    test('when random addresses spent the domain’s cap, then an address with an account is still admitted and a new one is not', async (s) => {
      const domain = uniqueDomain();
      const owner = await s.users.upsertOnLogin(uniqueEmail('owner', domain), plus(now(), -HOUR));
      const start = now();
      for (let i = 0; i < 4; i++) {
        expect((await admit(s, request({ email: uniqueEmail('rnd', domain), now: start }))).kind).toBe(
          'created',
        );
      }
      expect((await admit(s, request({ email: uniqueEmail('new', domain), now: start }))).kind).toBe(
        'capped',
      );
      expect(await admit(s, request({ email: owner.email, now: start }))).toMatchObject({ kind: 'created' });
      // The owner's own caps still hold: the per-address cap and the cooldown.
      const later = plus(start, 2 * MINUTE);
      expect((await admit(s, request({ email: owner.email, now: later }))).kind).toBe('created');
      expect((await admit(s, request({ email: owner.email, now: plus(later, 2 * MINUTE) }))).kind).toBe(
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

    test('when a code is admitted, then the answer also tells whether the address is suppressed, and only for a created code', async (s) => {
      const listed = request({ email: uniqueEmail('suppressed') });
      await s.suppressions.add({
        email: listed.email,
        reason: 'bounce',
        source: 'test',
        createdAt: listed.now,
      });
      expect(await admit(s, listed)).toMatchObject({ kind: 'created', suppressed: true });

      const clean = request();
      expect(await admit(s, clean)).toMatchObject({ kind: 'created', suppressed: false });

      // A refused request reads nothing more: the cooldown answer is as before.
      const again = { ...listed, requestIp: uniqueIp(), now: plus(listed.now, 10 * SECOND) };
      expect(await admit(s, again)).toEqual({ kind: 'cooldown', retryAfterSeconds: 50 });

      // Removed from the list, the next admitted request says so.
      await s.suppressions.remove(listed.email);
      const later = { ...listed, requestIp: uniqueIp(), now: plus(listed.now, 2 * MINUTE) };
      expect(await admit(s, later)).toMatchObject({ kind: 'created', suppressed: false });
    });
  });
};
