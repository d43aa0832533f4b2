import { AppError } from '../../platform/errors/app-error';
import { normalizeEmail } from '../../platform/email-address';
import type { EmailMessage, EmailRepositories, Suppression } from './email.ports';

export interface MessageWithEvents extends EmailMessage {
  events: Array<{ provider: string; type: string; occurredAt: Date }>;
}

export interface DeliveryReport {
  email: string;
  suppression: Suppression | null;
  messages: MessageWithEvents[];
}

/** What happened to the emails sent to an address, for the admin API. */
export class DeliveryService {
  constructor(private readonly deps: { repos: EmailRepositories }) {}

  /** The address's newest messages (at most `limit`, ≤100), each with its webhook events, oldest first. */
  async recentMessagesFor(email: string, limit = 20): Promise<DeliveryReport> {
    const address = normalizeEmail(email);
    if (!address) {
      throw new AppError('invalid_request', {
        fields: [{ field: 'email', message: 'must be a valid email address' }],
      });
    }
    const { emailMessages, emailEvents, suppressions } = this.deps.repos;
    const messages = await emailMessages.listRecentForEmail(address, Math.min(100, Math.max(1, limit)));
    const events = await emailEvents.listForMessages(messages.map((m) => m.id));
    return {
      email: address,
      suppression: (await suppressions.find(address)) ?? null,
      messages: messages.map((m) => ({
        ...m,
        events: events
          .filter((e) => e.messageId === m.id)
          .map((e) => ({ provider: e.provider, type: e.type, occurredAt: e.occurredAt })),
      })),
    };
  }
}
