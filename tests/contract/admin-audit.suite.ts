import { randomUUID } from 'node:crypto';
import type { AdminAuditEntry } from '../../src/modules/admin/admin.ports';
import { DAY, hex, now, plus, windowIn } from './fixtures';
import type { ContractSuite } from './harness';

/** An entry of its own action, so filtered reads see only this test's rows. */
const entry = (overrides: Partial<AdminAuditEntry> = {}): AdminAuditEntry => ({
  id: randomUUID(),
  at: now(),
  keyId: 'ab12cd34',
  action: `admin.contract_${hex()}`,
  target: randomUUID(),
  requestId: randomUUID(),
  outcome: 'success',
  details: { revoked: 2, cidr: '203.0.113.0/24', created: true },
  ...overrides,
});

const sortNewestFirst = (rows: AdminAuditEntry[]) =>
  [...rows].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1));

export const adminAuditSuite: ContractSuite = ({ test }) => {
  describe('admin audit log', () => {
    test('when an entry is recorded, then it is listed with every field as written, details included', async (s) => {
      const written = entry({ keyId: null, target: null, outcome: 'unauthorized', details: { reason: 'x' } });
      await s.adminAudit.record(written);
      expect(await s.adminAudit.list({ limit: 10, action: written.action })).toEqual([written]);
    });

    test('when listed in pages, then entries come newest first, each once, ties broken by id', async (s) => {
      // A private window far in the future: every other row is older and sorts after these.
      const base = windowIn(2500, 50);
      const rows = [0, 1000, 1000, 1000, 3000].map((ms) => entry({ at: plus(base, ms) }));
      for (const row of rows) await s.adminAudit.record(row);
      const first = await s.adminAudit.list({ limit: 2 });
      const second = await s.adminAudit.list({ limit: 2, before: { at: first[1].at, id: first[1].id } });
      const third = await s.adminAudit.list({ limit: 1, before: { at: second[1].at, id: second[1].id } });
      expect([...first, ...second, ...third].map((r) => r.id)).toEqual(
        sortNewestFirst(rows).map((r) => r.id),
      );
    });

    test('when filtered by action, then only that action is listed, and paging keeps to it', async (s) => {
      const action = `admin.contract_${hex()}`;
      const base = now();
      const mine = [0, 1000, 2000].map((ms) => entry({ action, at: plus(base, ms) }));
      for (const row of [...mine, entry({ at: plus(base, 500) }), entry({ at: plus(base, 1500) })]) {
        await s.adminAudit.record(row);
      }
      const first = await s.adminAudit.list({ limit: 2, action });
      const rest = await s.adminAudit.list({
        limit: 2,
        action,
        before: { at: first[1].at, id: first[1].id },
      });
      expect([...first, ...rest].map((r) => r.id)).toEqual(sortNewestFirst(mine).map((r) => r.id));
      expect(await s.adminAudit.list({ limit: 5, action: `admin.contract_${hex()}` })).toEqual([]);
    });

    test('when the sweep runs, then entries older than the cutoff go and newer ones stay', async (s) => {
      const action = `admin.contract_${hex()}`;
      const cutoff = windowIn(1900, 50);
      const old = entry({ action, at: plus(cutoff, -DAY) });
      const kept = entry({ action, at: plus(cutoff, DAY) });
      await s.adminAudit.record(old);
      await s.adminAudit.record(kept);
      expect(await s.adminAudit.deleteBefore(cutoff)).toBeGreaterThanOrEqual(1);
      expect((await s.adminAudit.list({ limit: 5, action })).map((r) => r.id)).toEqual([kept.id]);
      expect(await s.adminAudit.deleteBefore(cutoff)).toBe(0);
    });

    test('when an outcome outside the allowed set is recorded, then the store refuses it', async (s) => {
      await expect(s.adminAudit.record(entry({ outcome: 'whatever' as never }))).rejects.toThrow();
    });

    test('when the same id is recorded twice, then the second is refused', async (s) => {
      const written = entry();
      await s.adminAudit.record(written);
      await expect(s.adminAudit.record({ ...written, action: `admin.contract_${hex()}` })).rejects.toThrow();
    });
  });
};
