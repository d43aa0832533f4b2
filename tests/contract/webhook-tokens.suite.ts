import { hex, now, plus } from './fixtures';
import type { ContractSuite } from './harness';

export const webhookTokensSuite: ContractSuite = ({ test }) => {
  describe('webhookTokens', () => {
    const token = (expiresAt = plus(now(), 600_000)) => ({
      provider: 'mailgun',
      tokenHash: hex(),
      expiresAt,
    });

    test('when a token is claimed twice, then the second claim is refused', async (s) => {
      const t = token();
      expect(await s.webhookTokens.claim(t, now())).toBe(true);
      expect(await s.webhookTokens.claim(t, now())).toBe(false);
      expect(await s.webhookTokens.claim({ ...t, provider: 'sendgrid' }, now())).toBe(true);
    });

    test('when racing claims of one token arrive at once, then exactly one wins', async (s) => {
      const t = token();
      const results = await Promise.all(Array.from({ length: 5 }, () => s.webhookTokens.claim(t, now())));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test('when a claimed token is released or has expired, then it may be claimed again', async (s) => {
      const t = token();
      expect(await s.webhookTokens.claim(t, now())).toBe(true);
      await s.webhookTokens.release(t.provider, t.tokenHash);
      expect(await s.webhookTokens.claim(t, now())).toBe(true);
      expect(await s.webhookTokens.claim(t, plus(t.expiresAt, -1))).toBe(false);
      expect(await s.webhookTokens.claim({ ...t, expiresAt: plus(t.expiresAt, 600_000) }, t.expiresAt)).toBe(
        true,
      );
    });

    test('when expired tokens are deleted, then the live ones stay claimed', async (s) => {
      const old = token(plus(now(), 1_000));
      const live = token(plus(now(), 600_000));
      await s.webhookTokens.claim(old, now());
      await s.webhookTokens.claim(live, now());
      expect(await s.webhookTokens.deleteExpired(plus(now(), 2_000))).toBeGreaterThanOrEqual(1);
      expect(await s.webhookTokens.claim(live, plus(now(), 2_000))).toBe(false);
      expect(await s.webhookTokens.claim({ ...old, expiresAt: plus(now(), 600_000) }, now())).toBe(true);
    });
  });
};
