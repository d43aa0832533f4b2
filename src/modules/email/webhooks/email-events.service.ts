import type { Logger } from 'winston';
import type { Metrics } from '../../../platform/metrics';
import type { Clock } from '../../../platform/clock';
import { normalizeEmail } from '../../../platform/email-address';
import type { EmailStore } from '../email.ports';
import { STATUS_TRANSITIONS, type DeliveryEvent } from './delivery-event';

export interface ApplyResult {
  applied: number;
  duplicates: number;
}

/**
 * Applies verified webhook events: each is recorded once per provider event id, moves its
 * message's status, and a bounce, drop or complaint suppresses the address. Each event is one
 * transaction, so a failure part-way leaves nothing half-applied and the provider's retry
 * (after our 5xx) applies it whole; a retry of an applied event changes nothing.
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
    const result: ApplyResult = { applied: 0, duplicates: 0 };
    for (const event of events) {
      if (await this.applyOne(event, ctx.requestId)) result.applied += 1;
      else result.duplicates += 1;
    }
    return result;
  }

  private async applyOne(event: DeliveryEvent, requestId?: string): Promise<boolean> {
    const { store, clock } = this.deps;
    const outcome = await store.transaction(async (tx) => {
      const now = clock.now();
      const message = event.providerMessageId
        ? await tx.emailMessages.findByProviderMessageId(event.provider, event.providerMessageId)
        : undefined;
      const fresh = await tx.emailEvents.recordOnce({
        provider: event.provider,
        providerEventId: event.providerEventId,
        messageId: message?.id ?? null,
        type: event.type,
        occurredAt: event.occurredAt,
      });
      if (!fresh) return { fresh: false as const };
      const transition = STATUS_TRANSITIONS[event.type];
      if (message && transition) {
        await tx.emailMessages.advanceStatus(message.id, transition.to, transition.from, now);
      }
      const email = normalizeEmail(event.email ?? '') ?? message?.email;
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
      return { fresh: true as const, messageId: message?.id, suppressed };
    });
    if (!outcome.fresh) return false;
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
    return true;
  }
}
