import { randomBytes } from 'node:crypto';
import { SECOND, MINUTE, hex, now, plus } from './fixtures';
import type { ContractSuite } from './harness';

export const ipRulesSuite: ContractSuite = ({ test }) => {
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
};
