import { v4 as uuidv4 } from 'uuid';
import type {
  EmailEvent,
  EmailEventRepository,
  EmailMessage,
  EmailMessageRepository,
  EmailMessageStatus,
  Suppression,
  SuppressionReason,
  SuppressionRepository,
} from '../../email.ports';
import { op, type MongoOps } from '../../../../platform/mongo/mongo-ops';

interface SuppressionDoc {
  email: string;
  reason: SuppressionReason;
  source: string;
  createdAt: Date;
}

interface MessageDoc {
  _id: string;
  otpId?: string | null;
  email: string;
  provider: string;
  providerMessageId?: string | null;
  status: EmailMessageStatus;
  createdAt: Date;
  updatedAt: Date;
}

interface EventDoc {
  provider: string;
  providerEventId: string;
  messageId?: string | null;
  type: string;
  occurredAt: Date;
}

const DELETE_BATCH = 500;

const toSuppression = (d: SuppressionDoc): Suppression => ({
  email: d.email,
  reason: d.reason,
  source: d.source,
  createdAt: d.createdAt,
});

const toMessage = (d: MessageDoc): EmailMessage => ({
  id: d._id,
  otpId: d.otpId ?? null,
  email: d.email,
  provider: d.provider,
  providerMessageId: d.providerMessageId ?? null,
  status: d.status,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const toEvent = (d: EventDoc): EmailEvent => ({
  provider: d.provider,
  providerEventId: d.providerEventId,
  messageId: d.messageId ?? null,
  type: d.type,
  occurredAt: d.occurredAt,
});

export function createMongoSuppressionRepository(ops: MongoOps): SuppressionRepository {
  return {
    async add(s) {
      // $setOnInsert keeps the first reason: a later "dropped" (caused by the bounce) must not hide why.
      const result = await ops.updateOne(
        'suppressions',
        { email: s.email },
        { $setOnInsert: { reason: s.reason, source: s.source, createdAt: s.createdAt } },
        { upsert: true },
      );
      return result.upserted;
    },
    async remove(email) {
      return (await ops.deleteOne('suppressions', { email })) > 0;
    },
    async find(email) {
      const doc = await ops.findOne<SuppressionDoc>('suppressions', { email });
      return doc && toSuppression(doc);
    },
    async list({ limit, before }) {
      const filter = before
        ? {
            $or: [
              { createdAt: op({ $lt: before.createdAt }) },
              { createdAt: before.createdAt, email: op({ $lt: before.email }) },
            ],
          }
        : {};
      const docs = await ops.find<SuppressionDoc>('suppressions', filter, {
        sort: { createdAt: -1, email: -1 },
        limit,
      });
      return docs.map(toSuppression);
    },
  };
}

export function createMongoEmailMessageRepository(ops: MongoOps): EmailMessageRepository {
  /** SQL cascades a message's events; here each batch of messages takes its events with it. */
  const deleteWithEvents = async (filter: Record<string, unknown>): Promise<number> => {
    let deleted = 0;
    for (;;) {
      const batch = await ops.find<{ _id: string }>('emailMessages', filter, {
        projection: { _id: 1 },
        limit: DELETE_BATCH,
      });
      if (batch.length === 0) return deleted;
      const ids = batch.map((m) => m._id);
      await ops.deleteMany('emailEvents', { messageId: op({ $in: ids }) });
      const removed = await ops.deleteMany('emailMessages', { ...filter, _id: op({ $in: ids }) });
      deleted += removed;
      if (batch.length < DELETE_BATCH || removed === 0) return deleted;
    }
  };
  return {
    async create(m) {
      const doc: MessageDoc = {
        _id: uuidv4(),
        otpId: m.otpId,
        email: m.email,
        provider: m.provider,
        providerMessageId: m.providerMessageId,
        status: m.status,
        createdAt: m.createdAt,
        updatedAt: m.createdAt,
      };
      await ops.insertOne('emailMessages', { ...doc });
      return toMessage(doc);
    },
    async findById(id) {
      const doc = await ops.findOne<MessageDoc>('emailMessages', { _id: id });
      return doc && toMessage(doc);
    },
    async findByProviderMessageId(provider, providerMessageId) {
      const doc = await ops.findOne<MessageDoc>(
        'emailMessages',
        { provider, providerMessageId },
        { sort: { createdAt: -1 } },
      );
      return doc && toMessage(doc);
    },
    async advanceStatus(id, to, from, at) {
      // Compare-and-set on the status: a late or reordered webhook never moves a message back.
      const result = await ops.updateOne(
        'emailMessages',
        { _id: id, status: op({ $in: from }) },
        { $set: { status: to, updatedAt: at } },
      );
      return result.matched > 0;
    },
    async listRecentForEmail(email, limit) {
      const docs = await ops.find<MessageDoc>(
        'emailMessages',
        { email },
        { sort: { createdAt: -1, _id: -1 }, limit },
      );
      return docs.map(toMessage);
    },
    deleteBefore: (before) => deleteWithEvents({ createdAt: op({ $lt: before }) }),
    deleteForEmail: (email) => deleteWithEvents({ email }),
  };
}

export function createMongoEmailEventRepository(ops: MongoOps): EmailEventRepository {
  return {
    async recordOnce(e) {
      // An upsert on the unique (provider, providerEventId): a webhook retry matches the stored
      // event instead of failing, on every instance and inside a transaction alike.
      const result = await ops.updateOne(
        'emailEvents',
        { provider: e.provider, providerEventId: e.providerEventId },
        { $setOnInsert: { messageId: e.messageId, type: e.type, occurredAt: e.occurredAt } },
        { upsert: true },
      );
      return result.upserted;
    },
    async listForMessages(messageIds) {
      if (messageIds.length === 0) return [];
      const docs = await ops.find<EventDoc>(
        'emailEvents',
        { messageId: op({ $in: messageIds }) },
        { sort: { occurredAt: 1, _id: 1 } },
      );
      return docs.map(toEvent);
    },
    async deleteBefore(before) {
      return ops.deleteMany('emailEvents', { occurredAt: op({ $lt: before }) });
    },
  };
}
