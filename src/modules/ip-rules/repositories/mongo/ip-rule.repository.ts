import { v4 as uuidv4 } from 'uuid';
import type { IpRule, IpRuleRepository } from '../../ip-rules.ports';
import type { MongoOps } from '../../../../platform/mongo/mongo-ops';

interface IpRuleDoc {
  _id: string;
  cidr: string;
  action: 'allow' | 'deny';
  note?: string | null;
  createdAt: Date;
}

const toIpRule = (d: IpRuleDoc): IpRule => ({
  id: d._id,
  cidr: d.cidr,
  action: d.action,
  note: d.note ?? null,
  createdAt: d.createdAt,
});

export function createMongoIpRuleRepository(ops: MongoOps): IpRuleRepository {
  return {
    async list() {
      const docs = await ops.find<IpRuleDoc>('ipRules', {}, { sort: { createdAt: 1, _id: 1 } });
      return docs.map(toIpRule);
    },
    async create(rule) {
      // An upsert on the unique (cidr, action): a repeated or racing POST of the same rule
      // returns the stored one instead of a 500.
      const { doc, upserted } = await ops.findOneAndUpdate<IpRuleDoc>(
        'ipRules',
        { cidr: rule.cidr, action: rule.action },
        { $setOnInsert: { _id: uuidv4(), note: rule.note, createdAt: rule.createdAt } },
        { upsert: true },
      );
      if (!doc) throw new Error('upsert returned no document');
      return { rule: toIpRule(doc), created: upserted };
    },
    async delete(id) {
      return (await ops.deleteOne('ipRules', { _id: id })) > 0;
    },
  };
}
