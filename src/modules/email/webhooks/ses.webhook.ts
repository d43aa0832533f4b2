import { verify as verifySignature, X509Certificate } from 'node:crypto';
import type { Clock } from '../../../platform/clock';
import {
  WebhookError,
  type DeliveryEvent,
  type DeliveryEventType,
  type VerifiedWebhook,
  type WebhookVerifier,
} from './delivery-event';
import type { SuppressionReason } from '../email.ports';
import type { CertificateFetcher } from './sns-certificates';
import { bodyText, isRecord, parseJson, str } from './webhook-body';

/** The fields SNS signs, in its documented order, per message type. */
const SIGNED_FIELDS: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

export function snsStringToSign(m: Record<string, unknown>): string {
  const fields = SIGNED_FIELDS[String(m.Type)] ?? [];
  return fields
    .filter((f) => typeof m[f] === 'string')
    .map((f) => `${f}\n${m[f] as string}\n`)
    .join('');
}

/**
 * The only certificate URLs we fetch, in one canonical form (`https://host/path`): https, on
 * the SNS host of the configured topic's own region, default port, SNS's certificate file
 * name, and nothing else (no user info, query or fragment: those would only give one file
 * many names, each a fetch). Anything else would let a forged message name a key of its
 * choosing or make us fetch arbitrary URLs. Returns undefined for an untrusted URL.
 */
export function trustedCertUrl(raw: string, topicArn: string): string | undefined {
  const [, partition, , region] = topicArn.split(':');
  if (raw.length > 200 || raw.includes('#') || raw.includes('?') || raw.includes('@')) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const host = `sns.${region}.amazonaws.com${partition === 'aws-cn' ? '.cn' : ''}`;
  const trusted =
    url.protocol === 'https:' &&
    url.hostname === host &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    /^\/SimpleNotificationService-[A-Za-z0-9]{1,64}\.pem$/.test(url.pathname);
  return trusted ? `https://${host}${url.pathname}` : undefined;
}

function classify(
  kind: unknown,
  msg: Record<string, unknown>,
): { type: DeliveryEventType; suppress?: SuppressionReason } {
  switch (kind) {
    case 'Send':
      return { type: 'accepted' };
    case 'Delivery':
      return { type: 'delivered' };
    case 'Bounce': {
      const bounce = isRecord(msg.bounce) ? msg.bounce : {};
      // Transient and undetermined bounces (mailbox full, greylisting) may work next time.
      return bounce.bounceType === 'Permanent' ? { type: 'bounce', suppress: 'bounce' } : { type: 'bounce' };
    }
    case 'Complaint':
      return { type: 'complaint', suppress: 'complaint' };
    case 'Reject':
      return { type: 'dropped' };
    case 'DeliveryDelay':
      return { type: 'deferred' };
    case 'Open':
      return { type: 'open' };
    case 'Click':
      return { type: 'click' };
    case 'Subscription':
      return { type: 'unsubscribe' };
    default:
      return { type: 'other' };
  }
}

function addressesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((r) => (typeof r === 'string' ? r : isRecord(r) ? str(r.emailAddress) : undefined))
    .filter((a): a is string => a !== undefined);
}

/** Reads an SES notification (identity notifications or configuration-set event publishing). */
export function readSesNotification(message: string, snsMessageId: string, at: Date): DeliveryEvent[] {
  let msg: unknown;
  try {
    msg = JSON.parse(message);
  } catch {
    return []; // SNS test messages and the like: nothing to apply
  }
  if (!isRecord(msg)) return [];
  const kind = msg.eventType ?? msg.notificationType;
  const mail = isRecord(msg.mail) ? msg.mail : {};
  const detail = isRecord(msg.bounce)
    ? msg.bounce
    : isRecord(msg.complaint)
      ? msg.complaint
      : isRecord(msg.delivery)
        ? msg.delivery
        : {};
  const recipients = [
    ...addressesOf(detail.bouncedRecipients),
    ...addressesOf(detail.complainedRecipients),
    ...addressesOf(detail.recipients),
  ];
  const to = recipients.length > 0 ? recipients : addressesOf(mail.destination).slice(0, 1);
  const when = new Date(String(detail.timestamp ?? mail.timestamp ?? ''));
  const occurredAt = Number.isNaN(when.getTime()) ? at : when;
  const { type, suppress } = classify(kind, msg);
  return (to.length > 0 ? to : [undefined]).map((email, i) => ({
    provider: 'ses' as const,
    providerEventId: i === 0 ? snsMessageId : `${snsMessageId}#${i}`,
    providerMessageId: str(mail.messageId),
    email,
    type,
    suppress,
    occurredAt,
  }));
}

/**
 * SES events through an SNS HTTPS subscription. Each message must come from the configured
 * topic, carry an RSA signature (SignatureVersion 1: SHA1, 2: SHA256) that verifies with the
 * certificate at SigningCertURL — fetched only from the topic region's SNS host — and be at
 * most `maxAgeSeconds` old (SNS retries for up to an hour). The SNS MessageId applies each
 * notification once. A SubscriptionConfirmation is reported, not followed: an operator opens
 * the SubscribeURL, so nobody can make this service call a URL of their choosing.
 */
export function createSesWebhook(options: {
  topicArn: string;
  fetchCertificate: CertificateFetcher;
  clock: Clock;
  maxAgeSeconds?: number;
}): WebhookVerifier {
  const maxAge = options.maxAgeSeconds ?? 3600;
  return {
    provider: 'ses',
    async verify({ rawBody }): Promise<VerifiedWebhook> {
      const m = parseJson(bodyText(rawBody), 'unsigned');
      if (!isRecord(m) || !str(m.Signature) || !str(m.SigningCertURL) || !str(m.MessageId)) {
        throw new WebhookError('unsigned', 'not a signed SNS message');
      }
      if (m.TopicArn !== options.topicArn) throw new WebhookError('wrong_topic', 'unexpected topic');
      if (!SIGNED_FIELDS[String(m.Type)]) throw new WebhookError('malformed', 'unknown SNS message type');
      const algorithm =
        m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : undefined;
      if (!algorithm) throw new WebhookError('bad_signature', 'unsupported SignatureVersion');
      const certUrl = trustedCertUrl(m.SigningCertURL as string, options.topicArn);
      if (!certUrl) throw new WebhookError('bad_signature', 'untrusted SigningCertURL');
      const now = options.clock.now();
      // Checked before the signature so a flood of stale messages costs no certificate fetch;
      // nothing is changed on refusal either way, and an accepted timestamp is then signed.
      const sentAt = new Date(String(m.Timestamp));
      if (Number.isNaN(sentAt.getTime()) || Math.abs(now.getTime() - sentAt.getTime()) > maxAge * 1000) {
        throw new WebhookError('stale', 'message timestamp outside the allowed window');
      }
      let valid = false;
      try {
        const cert = new X509Certificate(await options.fetchCertificate(certUrl));
        const inDate = new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
        valid =
          inDate &&
          verifySignature(
            algorithm,
            Buffer.from(snsStringToSign(m), 'utf8'),
            cert.publicKey,
            Buffer.from(m.Signature as string, 'base64'),
          );
      } catch {
        valid = false; // an unreachable or unreadable certificate verifies nothing
      }
      if (!valid) throw new WebhookError('bad_signature', 'signature does not match');
      if (m.Type === 'SubscriptionConfirmation' || m.Type === 'UnsubscribeConfirmation') {
        return {
          events: [],
          notice: {
            kind: m.Type === 'SubscriptionConfirmation' ? 'subscription' : 'unsubscribe',
            topicArn: options.topicArn,
            url: str(m.SubscribeURL),
          },
        };
      }
      return { events: readSesNotification(String(m.Message), m.MessageId as string, sentAt) };
    },
  };
}
