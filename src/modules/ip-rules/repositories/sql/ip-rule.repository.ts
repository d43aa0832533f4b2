import { v4 as uuidv4 } from 'uuid';
import type { IpRule, IpRuleRepository } from '../../ip-rules.ports';
import type { Queryable } from '../../../../platform/sql/sql-client';

interface IpRuleRow {
  id: string;
  cidr: string;
  action: 'allow' | 'deny';
  note: string | null;
  created_at: Date;
}

const toIpRule = (r: IpRuleRow): IpRule => ({
  id: r.id,
  cidr: r.cidr,
  action: r.action,
  note: r.note,
  createdAt: new Date(r.created_at),
});

export function createSqlIpRuleRepository(db: Queryable): IpRuleRepository {
  return {
    async list() {
      const rows = await db.query<IpRuleRow>('SELECT * FROM ip_rules ORDER BY created_at, id');
      return rows.map(toIpRule);
    },
    async create(rule) {
      // ON CONFLICT turns a repeated (or racing) POST of the same rule into a read, not a 500.
      const inserted = await db.query<IpRuleRow>(
        `INSERT INTO ip_rules (id, cidr, action, note, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (cidr, action) DO NOTHING RETURNING *`,
        [uuidv4(), rule.cidr, rule.action, rule.note, rule.createdAt],
      );
      if (inserted[0]) return { rule: toIpRule(inserted[0]), created: true };
      const existing = await db.query<IpRuleRow>('SELECT * FROM ip_rules WHERE cidr = $1 AND action = $2', [
        rule.cidr,
        rule.action,
      ]);
      return { rule: toIpRule(existing[0]), created: false };
    },
    async delete(id) {
      const rows = await db.query('DELETE FROM ip_rules WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    },
  };
}
