import type { EmailMessageStatus, SuppressionReason } from '../email.ports';

/** Provider event names folded onto one bounded set (also the metric label values). */
export type DeliveryEventType =
  | 'accepted'
  | 'delivered'
  | 'deferred'
  | 'bounce'
  | 'dropped'
  | 'open'
  | 'click'
  | 'complaint'
  | 'unsubscribe'
  | 'other';

export type WebhookProvider = 'sendgrid' | 'mailgun' | 'ses';

/** One verified webhook event, in provider-neutral form. */
export interface DeliveryEvent {
  provider: WebhookProvider;
  /** Unique per event at the provider (sg_event_id, Mailgun event id, SNS MessageId): webhooks retry. */
  providerEventId: string;
  /** The id the provider returned on send, as our email_messages row keeps it. */
  providerMessageId?: string;
  /** The recipient as the provider reports it (normalised before use). */
  email?: string;
  type: DeliveryEventType;
  /** Set when the provider says the address must not be mailed again. */
  suppress?: SuppressionReason;
  occurredAt: Date;
}

/**
 * Which status an event moves a message to, and from which states. Events arrive late and
 * out of order, so a message never moves backwards: a "deferred" after "delivered" is kept
 * as an event but leaves the status alone; an asynchronous bounce after delivery still counts.
 */
export const STATUS_TRANSITIONS: Partial<
  Record<DeliveryEventType, { to: EmailMessageStatus; from: EmailMessageStatus[] }>
> = {
  accepted: { to: 'sent', from: ['queued'] },
  deferred: { to: 'deferred', from: ['queued', 'sent'] },
  delivered: { to: 'delivered', from: ['queued', 'sent', 'deferred'] },
  open: { to: 'opened', from: ['queued', 'sent', 'deferred', 'delivered'] },
  click: { to: 'opened', from: ['queued', 'sent', 'deferred', 'delivered'] },
  bounce: { to: 'bounced', from: ['queued', 'sent', 'deferred', 'delivered', 'opened'] },
  dropped: { to: 'dropped', from: ['queued', 'sent', 'deferred'] },
};

/** Why a webhook request was refused: `malformed` is a 400 (signed but unusable), the rest 401. */
export type WebhookRejection =
  'unsigned' | 'bad_signature' | 'stale' | 'replayed' | 'wrong_topic' | 'malformed';

export class WebhookError extends Error {
  constructor(
    readonly reason: WebhookRejection,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** A request whose signature checked out. */
export interface VerifiedWebhook {
  events: DeliveryEvent[];
  /** SNS subscription handshakes: logged for an operator, never followed automatically. */
  notice?: { kind: 'subscription' | 'unsubscribe'; topicArn: string; url?: string };
  /** Called when applying failed (the provider will retry), so a replay guard forgets this request. */
  release?: () => Promise<void>;
}

/** Verifies one provider's webhook request on its raw bytes and reads its events. Throws WebhookError. */
export interface WebhookVerifier {
  readonly provider: WebhookProvider;
  verify(request: { rawBody: Buffer; header(name: string): string | undefined }): Promise<VerifiedWebhook>;
}
