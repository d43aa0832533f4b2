import type { Logger } from 'winston';
import type { Metrics } from '../../../platform/metrics';
import type { Clock } from '../../../platform/clock';
import { normalizeEmail } from '../../../platform/email-address';
import type { EmailStore } from '../email.ports';
import { STATUS_TRANSITIONS, type DeliveryEvent } from './delivery-event';

export interface ApplyResult {
  applied: number;
  duplicates: number;
  /** Events about a message this service did not send (or no longer keeps): nothing changed. */
  unknown: number;
}

/**
 * Applies verified webhook events: each is recorded once per provider event id, moves its
 * message's status, and a bounce, drop or complaint suppresses the address. Only an event about
 * a message this service sent (its provider message id is in email_messages) changes anything,
 * and it suppresses only that message's address: a provider account shared with other senders,
 * or a signed event about someone else's mail, cannot take an address off our list of the
 * reachable (docs/email.md, "What each event does"). Each event is one transaction, so a
 * failure part-way leaves nothing half-applied and the provider's retry (after our 5xx)
 * applies it whole; a retry of an applied event changes nothing.
 */
export class EmailEventService {
  constructor(
    private readonly deps: {
      store: EmailStore;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
      emailHash: (email: string) => string;
    },
  ) {}

  /** `ctx.requestId` (the webhook request's) goes on every line the events cause. */
  async apply(events: DeliveryEvent[], ctx: { requestId?: string } = {}): Promise<ApplyResult> {
    const result: ApplyResult = { applied: 0, duplicates: 0, unknown: 0 };
    for (const event of events) result[await this.applyOne(event, ctx.requestId)] += 1;
    return result;
  }

  private async applyOne(event: DeliveryEvent, requestId?: string): Promise<keyof ApplyResult> {
    const { store, clock } = this.deps;
    const outcome = await store.transaction(async (tx) => {
      const now = clock.now();
      const message = event.providerMessageId
        ? await tx.emailMessages.findByProviderMessageId(event.provider, event.providerMessageId)
        : undefined;
      if (!message) return { result: 'unknown' as const };
      const fresh = await tx.emailEvents.recordOnce({
        provider: event.provider,
        providerEventId: event.providerEventId,
        messageId: message.id,
        type: event.type,
        occurredAt: event.occurredAt,
      });
      if (!fresh) return { result: 'duplicates' as const };
      const transition = STATUS_TRANSITIONS[event.type];
      if (transition) {
        await tx.emailMessages.advanceStatus(message.id, transition.to, transition.from, now);
      }
      // Our messages have one recipient: a report naming another address is not about it.
      const reported = event.email === undefined ? message.email : normalizeEmail(event.email);
      const email = reported === message.email ? message.email : undefined;
      let suppressed: string | undefined;
      if (event.suppress && email) {
        const added = await tx.suppressions.add({
          email,
          reason: event.suppress,
          source: event.provider,
          createdAt: now,
        });
        if (added) suppressed = email;
      }
      return { result: 'applied' as const, messageId: message.id, suppressed };
    });
    if (outcome.result === 'unknown') {
      this.deps.logger.info('webhook event about a message this service did not send: ignored', {
        event: 'email.event_unknown_message',
        requestId,
        provider: event.provider,
        type: event.type,
        emailHash: event.email ? this.deps.emailHash(normalizeEmail(event.email) ?? event.email) : undefined,
      });
      return 'unknown';
    }
    if (outcome.result === 'duplicates') return 'duplicates';
    this.deps.metrics.emailEvents.inc({ provider: event.provider, type: event.type });
    if (outcome.suppressed) {
      this.deps.logger.warn('address suppressed', {
        event: 'email.suppressed',
        requestId,
        emailHash: this.deps.emailHash(outcome.suppressed),
        reason: event.suppress,
        source: event.provider,
      });
    }
    this.deps.logger.info('email event', {
      event: 'email.event',
      requestId,
      provider: event.provider,
      type: event.type,
      messageId: outcome.messageId,
    });
    return 'applied';
  }
}
