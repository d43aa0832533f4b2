/** What the SES webhook tests share: a signing certificate, the SNS signing string, and an app to post signed SNS messages to. */
import { execFileSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutgoingEmail } from '../../src/modules/email/email.ports';
import { RecordingMailer } from '../helpers/recording-mailer';
import { createTestApp, type TestApp } from '../helpers/test-app';

export const PATH = '/v1/webhooks/ses';
export const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-events';
export const CERT_URL =
  'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem';

/** Records like RecordingMailer, but answers as SES does: its MessageId. */
export class SesLikeMailer extends RecordingMailer {
  override async send(message: OutgoingEmail) {
    await super.send(message);
    return { messageId: `0102018c-ses-${this.sent.length}`, provider: 'ses' };
  }
}

/** A self-signed RSA certificate, standing in for the one SNS publishes at SigningCertURL. */
export function makeCertificate(): { keyPem: string; certPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'otp-sns-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=sns.amazonaws.com',
      ].concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
      { stdio: 'ignore' },
    );
    return {
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
      certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The canonical string SNS signs (AWS "Verifying the signatures of Amazon SNS messages"). */
export function stringToSign(m: Record<string, string>): string {
  const keys =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k}\n${m[k]}\n`)
    .join('');
}

/** Starts an app for the enclosing describe (hooks) and returns the helpers its tests post with. */
export function useSesWebhookApp() {
  const signer = makeCertificate();
  const mailer = new SesLikeMailer();
  const fetched: string[] = [];
  let t!: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { SES_SNS_TOPIC_ARN: TOPIC },
      overrides: {
        mailer,
        snsCertificateFetcher: async (url) => {
          fetched.push(url);
          return signer.certPem;
        },
      },
    });
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    fetched.length = 0;
  });

  /** An SNS message, signed with the test key (SignatureVersion 2 = SHA256 unless told). */
  const sns = (fields: Record<string, string>, options: { version?: '1' | '2'; key?: string } = {}) => {
    const m: Record<string, string> = {
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: TOPIC,
      Timestamp: t.clock.now().toISOString(),
      SignatureVersion: options.version ?? '2',
      SigningCertURL: CERT_URL,
      UnsubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:x`,
      ...fields,
    };
    const algorithm = m.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
    m.Signature = createSign(algorithm)
      .update(stringToSign(m))
      .sign(options.key ?? signer.keyPem, 'base64');
    return m;
  };
  /** An SES event (configuration-set event publishing) as the SNS Message. */
  const sesEvent = (eventType: string, messageId: string, detail: object, destination = ['x@example.com']) =>
    JSON.stringify({
      eventType,
      mail: {
        timestamp: t.clock.now().toISOString(),
        messageId,
        destination,
        source: 'no-reply@example.com',
      },
      ...detail,
    });
  // SNS posts its JSON as text/plain.
  const post = (payload: unknown) =>
    t.http
      .post(PATH)
      .set('Content-Type', 'text/plain; charset=UTF-8')
      .set('x-amz-sns-message-type', 'Notification')
      .send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const mailTo = async (email: string) => {
    expect((await t.http.post('/v1/otp/request').send({ email })).status).toBe(202);
    await t.container.queue.drain();
    return (await t.container.deliveries.recentMessagesFor(email)).messages[0].providerMessageId as string;
  };
  const bounce = (email: string, messageId: string, bounceType = 'Permanent') =>
    sesEvent(
      'Bounce',
      messageId,
      {
        bounce: {
          bounceType,
          bounceSubType: 'General',
          bouncedRecipients: [
            { emailAddress: email, status: '5.1.1', diagnosticCode: 'smtp; 550 user unknown' },
          ],
          timestamp: t.clock.now().toISOString(),
        },
      },
      [email],
    );

  return { signer, mailer, fetched, app: () => t, sns, sesEvent, post, mailTo, bounce };
}
