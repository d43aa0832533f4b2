import { MINUTE, SECOND, newOtp, plus, signInInput, tokenHash } from './fixtures';
import type { ContractSuite } from './harness';

/**
 * The sign-in link bound to a code row (`otps.link_hash`, MongoDB `otps.linkHash`): stored with
 * the code's hash, found while the row is pending and unexpired, dead once any sign-in of the
 * address consumed the row. The sign-in itself is `signIn` (sign-in.suite.ts).
 */
export const otpLinksSuite: ContractSuite = ({ test }) => {
  describe('otps: sign-in links', () => {
    test('when a code is minted with a link, then the link hash finds its row, and only while pending', async (s) => {
      const input = newOtp();
      const id = await s.otps.create(input);
      const link = tokenHash();
      expect(await s.otps.findByLinkHash(link, plus(input.createdAt, SECOND))).toBeUndefined();
      expect(await s.otps.setCodeHash(id, 'code-hash', plus(input.createdAt, SECOND), link)).toBe(true);

      expect(await s.otps.findByLinkHash(link, plus(input.createdAt, 2 * SECOND))).toEqual({
        id,
        email: input.email,
      });
      expect(await s.otps.findByLinkHash(tokenHash(), plus(input.createdAt, 2 * SECOND))).toBeUndefined();
      expect((await s.otps.listNewest(input.email, 1))[0].codeHash).toBe('code-hash');
    });

    test('when the code expires, then its link is not found at or after expiry', async (s) => {
      const input = newOtp();
      const id = await s.otps.create(input);
      const link = tokenHash();
      await s.otps.setCodeHash(id, 'code-hash', plus(input.createdAt, SECOND), link);
      expect(await s.otps.findByLinkHash(link, plus(input.expiresAt, -SECOND))).toBeDefined();
      expect(await s.otps.findByLinkHash(link, input.expiresAt)).toBeUndefined();
      expect(await s.otps.findByLinkHash(link, plus(input.expiresAt, MINUTE))).toBeUndefined();
    });

    test('when the address signs in with another code, then the link of this one is dead too', async (s) => {
      const first = newOtp();
      const firstId = await s.otps.create(first);
      const link = tokenHash();
      await s.otps.setCodeHash(firstId, 'code-1', plus(first.createdAt, SECOND), link);
      const second = newOtp({ email: first.email, createdAt: plus(first.createdAt, SECOND) });
      const secondId = await s.otps.create(second);
      await s.otps.setCodeHash(secondId, 'code-2', plus(first.createdAt, 2 * SECOND), tokenHash());

      const at = plus(first.createdAt, 3 * SECOND);
      expect((await s.signIn(signInInput(first.email, secondId, at))).kind).toBe('signed_in');
      expect(await s.otps.findByLinkHash(link, plus(at, SECOND))).toBeUndefined();
    });

    test('when the link signs in (its row as the matched code), then it is found no more and the row is used', async (s) => {
      const input = newOtp();
      const id = await s.otps.create(input);
      const link = tokenHash();
      await s.otps.setCodeHash(id, 'code-hash', plus(input.createdAt, SECOND), link);
      const at = plus(input.createdAt, 2 * SECOND);
      const row = await s.otps.findByLinkHash(link, at);
      expect(row).toEqual({ id, email: input.email });

      expect((await s.signIn(signInInput(input.email, id, at))).kind).toBe('signed_in');
      expect((await s.signIn(signInInput(input.email, id, at))).kind).toBe('code_used');
      expect(await s.otps.findByLinkHash(link, plus(at, SECOND))).toBeUndefined();
      expect((await s.otps.listNewest(input.email, 1))[0].consumedAt).toEqual(at);
    });

    test('when a send is retried (a new code and link) or links are off, then the earlier link is dead', async (s) => {
      const input = newOtp();
      const id = await s.otps.create(input);
      const [first, retried] = [tokenHash(), tokenHash()];
      const at = plus(input.createdAt, SECOND);
      await s.otps.setCodeHash(id, 'code-1', at, first);
      await s.otps.setCodeHash(id, 'code-2', at, retried);
      expect(await s.otps.findByLinkHash(first, at)).toBeUndefined();
      expect(await s.otps.findByLinkHash(retried, at)).toEqual({ id, email: input.email });

      await s.otps.setCodeHash(id, 'code-3', at);
      expect(await s.otps.findByLinkHash(retried, at)).toBeUndefined();
      expect((await s.otps.listNewest(input.email, 1))[0].codeHash).toBe('code-3');
    });

    test('when many codes have no link, then they coexist (no link is not a value)', async (s) => {
      const email = newOtp().email;
      for (const k of [0, 1, 2]) {
        const input = newOtp({ email, createdAt: plus(newOtp().createdAt, k * SECOND) });
        expect(await s.otps.setCodeHash(await s.otps.create(input), `code-${k}`, input.createdAt, null)).toBe(
          true,
        );
      }
      expect(await s.otps.listNewest(email, 5)).toHaveLength(3);
    });
  });
};
