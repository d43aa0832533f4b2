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
import type { Queryable } from '../../../../platform/sql/sql-client';

interface SuppressionRow {
  email: string;
  reason: SuppressionReason;
  source: string;
  created_at: Date;
}

interface MessageRow {
  id: string;
  otp_id: string | null;
  email: string;
  provider: string;
  provider_message_id: string | null;
  status: EmailMessageStatus;
  created_at: Date;
  updated_at: Date;
}

interface EventRow {
  provider: string;
  provider_event_id: string;
  message_id: string | null;
  type: string;
  occurred_at: Date;
}

const toSuppression = (r: SuppressionRow): Suppression => ({
  email: r.email,
  reason: r.reason,
  source: r.source,
  createdAt: new Date(r.created_at),
});

const toMessage = (r: MessageRow): EmailMessage => ({
  id: r.id,
  otpId: r.otp_id,
  email: r.email,
  provider: r.provider,
  providerMessageId: r.provider_message_id,
  status: r.status,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const toEvent = (r: EventRow): EmailEvent => ({
  provider: r.provider,
  providerEventId: r.provider_event_id,
  messageId: r.message_id,
  type: r.type,
  occurredAt: new Date(r.occurred_at),
});

export function createSqlSuppressionRepository(db: Queryable): SuppressionRepository {
  return {
    async add(s) {
      // The first reason is kept: a later "dropped" (caused by the bounce) must not hide why.
      const rows = await db.query(
        `INSERT INTO email_suppressions (email, reason, source, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING email`,
        [s.email, s.reason, s.source, s.createdAt],
      );
      return rows.length > 0;
    },
    async remove(email) {
      const rows = await db.query('DELETE FROM email_suppressions WHERE email = $1 RETURNING email', [email]);
      return rows.length > 0;
    },
    async find(email) {
      const rows = await db.query<SuppressionRow>('SELECT * FROM email_suppressions WHERE email = $1', [
        email,
      ]);
      return rows[0] && toSuppression(rows[0]);
    },
    async list({ limit, before }) {
      const rows = before
        ? await db.query<SuppressionRow>(
            `SELECT * FROM email_suppressions WHERE (created_at, email) < ($1, $2)
             ORDER BY created_at DESC, email DESC LIMIT $3`,
            [before.createdAt, before.email, limit],
          )
        : await db.query<SuppressionRow>(
            'SELECT * FROM email_suppressions ORDER BY created_at DESC, email DESC LIMIT $1',
            [limit],
          );
      return rows.map(toSuppression);
    },
  };
}

export function createSqlEmailMessageRepository(db: Queryable): EmailMessageRepository {
  return {
    async create(m) {
      const rows = await db.query<MessageRow>(
        `INSERT INTO email_messages (id, otp_id, email, provider, provider_message_id, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
        [uuidv4(), m.otpId, m.email, m.provider, m.providerMessageId, m.status, m.createdAt],
      );
      return toMessage(rows[0]);
    },
    async findById(id) {
      const rows = await db.query<MessageRow>('SELECT * FROM email_messages WHERE id = $1', [id]);
      return rows[0] && toMessage(rows[0]);
    },
    async findByProviderMessageId(provider, providerMessageId) {
      const rows = await db.query<MessageRow>(
        `SELECT * FROM email_messages WHERE provider = $1 AND provider_message_id = $2
         ORDER BY created_at DESC LIMIT 1`,
        [provider, providerMessageId],
      );
      return rows[0] && toMessage(rows[0]);
    },
    async advanceStatus(id, to, from, at) {
      const rows = await db.query(
        `UPDATE email_messages SET status = $2, updated_at = $4
         WHERE id = $1 AND status = ANY($3::text[]) RETURNING id`,
        [id, to, from, at],
      );
      return rows.length > 0;
    },
    async listRecentForEmail(email, limit) {
      const rows = await db.query<MessageRow>(
        'SELECT * FROM email_messages WHERE email = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
        [email, limit],
      );
      return rows.map(toMessage);
    },
    async deleteBefore(before) {
      const rows = await db.query('DELETE FROM email_messages WHERE created_at < $1 RETURNING id', [before]);
      return rows.length;
    },
    async deleteForEmail(email) {
      const rows = await db.query('DELETE FROM email_messages WHERE email = $1 RETURNING id', [email]);
      return rows.length;
    },
  };
}

export function createSqlEmailEventRepository(db: Queryable): EmailEventRepository {
  return {
    async recordOnce(e) {
      // The unique (provider, provider_event_id) index makes a webhook retry a no-op, on every instance.
      const rows = await db.query(
        `INSERT INTO email_events (provider, provider_event_id, message_id, type, occurred_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (provider, provider_event_id) DO NOTHING RETURNING id`,
        [e.provider, e.providerEventId, e.messageId, e.type, e.occurredAt],
      );
      return rows.length > 0;
    },
    async listForMessages(messageIds) {
      if (messageIds.length === 0) return [];
      const rows = await db.query<EventRow>(
        `SELECT provider, provider_event_id, message_id, type, occurred_at FROM email_events
         WHERE message_id = ANY($1::uuid[]) ORDER BY occurred_at, id`,
        [messageIds],
      );
      return rows.map(toEvent);
    },
    async deleteBefore(before) {
      const rows = await db.query('DELETE FROM email_events WHERE occurred_at < $1 RETURNING id', [before]);
      return rows.length;
    },
  };
}
