import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { Clock } from '../../../platform/clock';
import {
  WebhookError,
  type DeliveryEvent,
  type DeliveryEventType,
  type WebhookVerifier,
} from './delivery-event';
import type { SuppressionReason } from '../email.ports';
import { bodyText, checkSkew, epochSeconds, isRecord, parseJson, str } from './webhook-body';

const TYPES: Record<string, DeliveryEventType> = {
  processed: 'accepted',
  delivered: 'delivered',
  deferred: 'deferred',
  bounce: 'bounce',
  dropped: 'dropped',
  open: 'open',
  click: 'click',
  spamreport: 'complaint',
  unsubscribe: 'unsubscribe',
  group_unsubscribe: 'unsubscribe',
};

function suppressionFor(e: Record<string, unknown>): SuppressionReason | undefined {
  // A "blocked" bounce is the receiving server refusing for now (reputation, rate), not a dead address.
  if (e.event === 'bounce') return e.type === 'blocked' ? undefined : 'bounce';
  if (e.event === 'dropped') return 'dropped';
  if (e.event === 'spamreport') return 'spamreport';
  return undefined;
}

/** Reads SendGrid's event array; entries without an sg_event_id cannot be deduplicated and are skipped. */
export function readSendGridEvents(body: unknown, now: Date): DeliveryEvent[] {
  if (!Array.isArray(body)) throw new WebhookError('malformed', 'the body must be an array of events');
  const events: DeliveryEvent[] = [];
  for (const e of body) {
    if (!isRecord(e) || !str(e.sg_event_id) || !str(e.event)) continue;
    events.push({
      provider: 'sendgrid',
      providerEventId: str(e.sg_event_id) as string,
      // sg_message_id is the X-Message-Id returned on send, followed by ".filter…" routing parts.
      providerMessageId: str(e.sg_message_id)?.split('.')[0],
      email: str(e.email),
      type: TYPES[e.event as string] ?? 'other',
      suppress: suppressionFor(e),
      occurredAt: epochSeconds(e.timestamp, now),
    });
  }
  return events;
}

const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

/** SendGrid shows its verification key as base64 DER SubjectPublicKeyInfo (a P-256 key). */
export function sendGridPublicKey(base64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(base64.trim(), 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('SENDGRID_WEBHOOK_PUBLIC_KEY is not an ECDSA P-256 public key');
  }
  return key;
}

/**
 * SendGrid's signed Event Webhook: an ECDSA P-256 signature (DER, base64) over SHA-256 of
 * timestamp + raw body, checked by OpenSSL (node:crypto, well under a millisecond) on the raw
 * bytes before anything is decoded or parsed. SendGrid states no freshness window; we allow
 * `maxSkewSeconds` (300) so a captured request cannot be replayed later, and duplicates inside
 * the window are harmless because each sg_event_id applies once.
 */
export function createSendGridWebhook(options: {
  publicKey: string;
  clock: Clock;
  maxSkewSeconds?: number;
}): WebhookVerifier {
  const key = sendGridPublicKey(options.publicKey);
  const maxSkew = options.maxSkewSeconds ?? 300;
  return {
    provider: 'sendgrid',
    async verify({ rawBody, header }) {
      const signature = header(SIGNATURE_HEADER);
      const timestamp = header(TIMESTAMP_HEADER);
      if (!signature || !timestamp) throw new WebhookError('unsigned', 'missing signature headers');
      const now = options.clock.now();
      checkSkew(timestamp, now, maxSkew);
      let valid = false;
      try {
        const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
        valid = verifySignature('sha256', signed, key, Buffer.from(signature, 'base64'));
      } catch {
        valid = false; // an undecodable signature is just a bad one
      }
      if (!valid) throw new WebhookError('bad_signature', 'signature does not match');
      return { events: readSendGridEvents(parseJson(bodyText(rawBody), 'malformed'), now) };
    },
  };
}
