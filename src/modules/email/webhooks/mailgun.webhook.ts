import { createHmac } from 'node:crypto';
import type { Clock } from '../../../platform/clock';
import { safeEqual } from '../../../platform/secrets';
import {
  WebhookError,
  type DeliveryEvent,
  type DeliveryEventType,
  type WebhookVerifier,
} from './delivery-event';
import type { SuppressionReason } from '../email.ports';
import type { ReplayGuard } from './replay-guard';
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
 * accepted once across every instance (`tokens`, kept for twice the window, the longest it
 * could still pass the skew check): Mailgun signs the token, not the body, so a captured
 * signature could otherwise carry another event. The body is parsed before its signature can
 * be checked (the signature is inside it), which is why its size cap is small.
 */
export function createMailgunWebhook(options: {
  signingKey: string;
  clock: Clock;
  tokens: ReplayGuard;
  maxSkewSeconds?: number;
}): WebhookVerifier {
  const maxSkew = options.maxSkewSeconds ?? 300;
  const { tokens } = options;
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
      // Read before the token is claimed: a signed but unusable body spends no token.
      const events = [readMailgunEvent((body as Record<string, unknown>)['event-data'], now)];
      if (!(await tokens.claim('mailgun', token, 2 * maxSkew))) {
        throw new WebhookError('replayed', 'token already used');
      }
      return { events, release: () => tokens.release('mailgun', token) };
    },
  };
}
