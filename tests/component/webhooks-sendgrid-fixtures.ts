/** What the SendGrid webhook tests share: keys, a mailer that answers as SendGrid does, and an app to post signed events to. */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { OutgoingEmail } from '../../src/modules/email/email.ports';
import { RecordingMailer } from '../helpers/recording-mailer';
import { createTestApp, type TestApp } from '../helpers/test-app';

export const SIGNATURE = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP = 'X-Twilio-Email-Event-Webhook-Timestamp';
export const PATH = '/v1/webhooks/sendgrid';

/** Records like RecordingMailer, but answers as SendGrid does: its X-Message-Id. */
export class SendGridLikeMailer extends RecordingMailer {
  override async send(message: OutgoingEmail) {
    await super.send(message);
    return { messageId: `sgmsg${this.sent.length}`, provider: 'sendgrid' };
  }
}

/** A P-256 key pair, the public half exported as SendGrid shows it: base64 DER SubjectPublicKeyInfo. */
export function makeKey(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

const signBody = (key: KeyObject, timestamp: string, body: string) =>
  sign('sha256', Buffer.from(timestamp + body, 'utf8'), key).toString('base64');

/** Starts an app for the enclosing describe (hooks) and returns the helpers its tests post with. */
export function useSendGridWebhookApp() {
  const key = makeKey();
  const mailer = new SendGridLikeMailer();
  let t!: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp({ env: { SENDGRID_WEBHOOK_PUBLIC_KEY: key.publicKey }, overrides: { mailer } });
  });
  afterAll(async () => t.close());

  const nowSeconds = () => String(Math.floor(t.clock.now().getTime() / 1000));
  const eventId = () => `sgev-${(n += 1)}-${Date.now()}`;
  const post = (body: string, headers: Record<string, string>) => {
    let req = t.http.post(PATH).set('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req.send(body);
  };
  /** Signs `events` as SendGrid would, now (or `skewSeconds` away). */
  const signed = (events: unknown, skewSeconds = 0, signer = key.privateKey) => {
    const body = typeof events === 'string' ? events : JSON.stringify(events);
    const ts = String(Number(nowSeconds()) + skewSeconds);
    return { body, headers: { [SIGNATURE]: signBody(signer, ts, body), [TIMESTAMP]: ts } };
  };
  const deliver = async (events: unknown) => {
    const { body, headers } = signed(events);
    return post(body, headers);
  };
  /** Sends a code to `email` through the SendGrid-like mailer; returns the provider message id. */
  const mailTo = async (email: string) => {
    expect((await t.http.post('/v1/otp/request').send({ email })).status).toBe(202);
    await t.container.queue.drain();
    const report = await t.container.deliveries.recentMessagesFor(email);
    return report.messages[0].providerMessageId as string;
  };
  const event = (email: string, msgId: string, type: string, extra: object = {}) => ({
    email,
    event: type,
    sg_event_id: eventId(),
    sg_message_id: `${msgId}.filterdrecv-5bd6d7b7d-abcde-1-64B4.0`,
    timestamp: Math.floor(t.clock.now().getTime() / 1000),
    ...extra,
  });
  const eventsTotal = async (type: string) =>
    (await t.container.metrics.emailEvents.get()).values.find(
      (v) => v.labels.provider === 'sendgrid' && v.labels.type === type,
    )?.value ?? 0;

  return {
    key,
    mailer,
    app: () => t,
    nowSeconds,
    eventId,
    post,
    signed,
    deliver,
    mailTo,
    event,
    eventsTotal,
  };
}
