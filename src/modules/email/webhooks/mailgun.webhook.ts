import { createHmac } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../../platform/clock';
import { safeEqual } from '../../../platform/secrets';
import {
  WebhookError,
  type DeliveryEvent,
  type DeliveryEventType,
  type WebhookVerifier,
} from './delivery-event';
import type { SuppressionReason } from '../email.ports';
import { bodyText, checkSkew, epochSeconds, isRecord, parseJson, str } from './webhook-body';

function classify(e: Record<string, unknown>): { type: DeliveryEventType; suppress?: SuppressionReason } {
  switch (e.event) {
    case 'accepted':
      return { type: 'accepted' };
    case 'delivered':
      return { type: 'delivered' };
    case 'failed':
      // Mailgun keeps retrying temporary failures itself; only a permanent one is a bounce.
      return e.severity === 'permanent' ? { type: 'bounce', suppress: 'bounce' } : { type: 'deferred' };
    case 'rejected':
      return { type: 'dropped' };
    case 'opened':
      return { type: 'open' };
    case 'clicked':
      return { type: 'click' };
    case 'complained':
      return { type: 'complaint', suppress: 'complaint' };
    case 'unsubscribed':
      return { type: 'unsubscribe' };
    default:
      return { type: 'other' };
  }
}

/** Reads one Mailgun webhook's `event-data`. */
export function readMailgunEvent(data: unknown, now: Date): DeliveryEvent {
  if (!isRecord(data) || !str(data.id) || !str(data.event)) {
    throw new WebhookError('malformed', 'event-data with an id and an event is required');
  }
  const message = isRecord(data.message) ? data.message : {};
  const headers = isRecord(message.headers) ? message.headers : {};
  return {
    provider: 'mailgun',
    providerEventId: str(data.id) as string,
    providerMessageId: str(headers['message-id'])?.replace(/^<|>$/g, ''),
    email: str(data.recipient),
    ...classify(data),
    occurredAt: epochSeconds(data.timestamp, now),
  };
}

/**
 * Mailgun webhooks: `signature.signature` is HMAC-SHA256(signing key, timestamp + token),
 * compared in constant time. The timestamp must be within `maxSkewSeconds`, and a token is
 * accepted once (kept for twice the window, the longest it could still pass the skew check),
 * so a captured request cannot be replayed. The token guard is per instance; across
 * instances the event id still applies an event once.
 */
export function createMailgunWebhook(options: {
  signingKey: string;
  clock: Clock;
  maxSkewSeconds?: number;
}): WebhookVerifier {
  const maxSkew = options.maxSkewSeconds ?? 300;
  const seen = new LRUCache<string, true>({ max: 50_000, ttl: 2 * maxSkew * 1000, ttlAutopurge: false });
  return {
    provider: 'mailgun',
    async verify({ rawBody }) {
      const body = parseJson(bodyText(rawBody), 'unsigned');
      const sig = isRecord(body) && isRecord(body.signature) ? body.signature : undefined;
      const timestamp =
        sig && (typeof sig.timestamp === 'number' ? String(sig.timestamp) : str(sig.timestamp));
      const token = sig && str(sig.token);
      const signature = sig && str(sig.signature);
      if (!timestamp || !token || !signature || token.length > 200) {
        throw new WebhookError('unsigned', 'missing signature');
      }
      const now = options.clock.now();
      checkSkew(timestamp, now, maxSkew);
      const expected = createHmac('sha256', options.signingKey)
        .update(timestamp + token)
        .digest();
      if (!safeEqual(Buffer.from(signature, 'hex'), expected)) {
        throw new WebhookError('bad_signature', 'signature does not match');
      }
      if (seen.has(token)) throw new WebhookError('replayed', 'token already used');
      seen.set(token, true);
      try {
        return {
          events: [readMailgunEvent((body as Record<string, unknown>)['event-data'], now)],
          release: () => void seen.delete(token),
        };
      } catch (err) {
        seen.delete(token);
        throw err;
      }
    },
  };
}
