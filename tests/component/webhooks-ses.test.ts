import { execFileSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSesNotification } from '../../src/modules/email/webhooks/ses.webhook';
import type { OutgoingEmail } from '../../src/modules/email/email.ports';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { RecordingMailer } from '../helpers/recording-mailer';
import { createTestApp, type TestApp } from '../helpers/test-app';

const PATH = '/v1/webhooks/ses';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-events';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem';

/** Records like RecordingMailer, but answers as SES does: its MessageId. */
class SesLikeMailer extends RecordingMailer {
  override async send(message: OutgoingEmail) {
    await super.send(message);
    return { messageId: `0102018c-ses-${this.sent.length}`, provider: 'ses' };
  }
}

/** A self-signed RSA certificate, standing in for the one SNS publishes at SigningCertURL. */
function makeCertificate(): { keyPem: string; certPem: string } {
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
function stringToSign(m: Record<string, string>): string {
  const keys =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k}\n${m[k]}\n`)
    .join('');
}

describe('POST /v1/webhooks/ses (SES notifications through SNS)', () => {
  const signer = makeCertificate();
  const mailer = new SesLikeMailer();
  const fetched: string[] = [];
  let t: TestApp;
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

  it('when a signed permanent bounce arrives, then 204, the message is bounced, the address suppressed and never mailed again', async () => {
    const msgId = await mailTo('ann@example.com');
    t.clock.advance(3_600_000);
    const res = await post(sns({ Message: bounce('ann@example.com', msgId) }));
    expect(res.status).toBe(204);
    expectMatchesOpenApi(res, 'POST', PATH);
    expect(fetched).toEqual([CERT_URL]);
    // The certificate is kept: the next message does not fetch it again.
    expect((await post(sns({ Message: bounce('ann2@example.com', 'none') }))).status).toBe(204);
    expect(fetched).toEqual([CERT_URL]);
    expect(await t.container.suppressions.find('ann@example.com')).toMatchObject({
      reason: 'bounce',
      source: 'ses',
    });
    expect((await t.container.deliveries.recentMessagesFor('ann@example.com')).messages[0].status).toBe(
      'bounced',
    );

    const before = mailer.sent.length;
    const again = await t.http.post('/v1/otp/request').send({ email: 'ann@example.com' });
    await t.container.queue.drain();
    expect(again.status).toBe(202);
    expect(mailer.sent.length).toBe(before);
  });

  it('when a complaint arrives (identity-notification format), then the address is suppressed as a complaint', async () => {
    const message = JSON.stringify({
      notificationType: 'Complaint',
      mail: { messageId: await mailTo('mad@example.com'), destination: ['mad@example.com'] },
      complaint: {
        complainedRecipients: [{ emailAddress: 'Mad@Example.com' }],
        timestamp: t.clock.now().toISOString(),
      },
    });
    expect((await post(sns({ Message: message }))).status).toBe(204);
    expect((await t.container.suppressions.find('mad@example.com'))?.reason).toBe('complaint');
  });

  it('when a delivery arrives, signed with SignatureVersion 1 (SHA1), then the message is delivered', async () => {
    const msgId = await mailTo('bob@example.com');
    const message = sesEvent('Delivery', msgId, {
      delivery: { recipients: ['bob@example.com'], timestamp: t.clock.now().toISOString() },
    });
    expect(
      (
        await post(
          sns({ Message: message, Subject: 'Amazon SES Email Event Notification' }, { version: '1' }),
        )
      ).status,
    ).toBe(204);
    expect((await t.container.deliveries.recentMessagesFor('bob@example.com')).messages[0].status).toBe(
      'delivered',
    );
  });

  it('when a transient bounce arrives, then the message is bounced but the address is not suppressed', async () => {
    const msgId = await mailTo('full@example.com');
    expect((await post(sns({ Message: bounce('full@example.com', msgId, 'Transient') }))).status).toBe(204);
    expect(await t.container.suppressions.isSuppressed('full@example.com')).toBe(false);
    expect((await t.container.deliveries.recentMessagesFor('full@example.com')).messages[0].status).toBe(
      'bounced',
    );
  });

  it('when SNS redelivers the same MessageId, then it is applied once', async () => {
    const m = sns({ Message: bounce('dup@example.com', await mailTo('dup@example.com')) });
    expect((await post(m)).status).toBe(204);
    expect((await post(m)).status).toBe(204);
    const values = (await t.container.metrics.emailEvents.get()).values;
    const bounces = values.find((v) => v.labels.provider === 'ses' && v.labels.type === 'bounce')?.value;
    // ann, full and dup, each once (ann2's was about a message we did not send).
    expect(bounces).toBe(3);
  });

  it('when a SubscriptionConfirmation arrives, then 204, the SubscribeURL is logged for an operator and not fetched', async () => {
    const subscribeUrl = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=abc`;
    const m = sns({
      Type: 'SubscriptionConfirmation',
      Token: 'abc',
      SubscribeURL: subscribeUrl,
      Message: `You have chosen to subscribe to the topic ${TOPIC}. To confirm the subscription, visit the SubscribeURL included in this message.`,
    });
    const res = await post(m);
    expect(res.status).toBe(204);
    // Only certificates are ever fetched (and each once: it is cached), never the SubscribeURL.
    expect(fetched.filter((u) => u !== CERT_URL)).toEqual([]);
    expect(t.logs.find((l) => l.event === 'webhook.sns_subscription')).toMatchObject({
      topicArn: TOPIC,
      confirmUrl: subscribeUrl,
    });
  });

  it('when the body is over 256 KiB, then 413 before it is parsed, even correctly signed', async () => {
    const res = await post(sns({ Message: 'x'.repeat(263_000) }));
    expect(res.status).toBe(413);
    expectMatchesOpenApi(res, 'POST', PATH);
    expect(fetched).toEqual([]);
  });

  it('when the Message is not JSON (an SNS test message), then 204 and nothing is applied', async () => {
    expect(
      (await post(sns({ Message: 'Successfully validated SNS topic for Amazon SES event publishing.' })))
        .status,
    ).toBe(204);
  });

  it('when a signed permanent bounce is about a message this service did not send, then 204 and nothing changes', async () => {
    expect((await post(sns({ Message: bounce('stranger@example.com', 'not-ours') }))).status).toBe(204);
    expect(await t.container.suppressions.isSuppressed('stranger@example.com')).toBe(false);
    expect(t.logs.filter((l) => l.event === 'email.event_unknown_message').pop()).toMatchObject({
      provider: 'ses',
      type: 'bounce',
    });
    expect(t.rawLogs.join('')).not.toContain('stranger@example.com');
  });

  describe('refused requests change nothing', () => {
    const victim = 'victim@example.com';
    // About a message we sent, so that any of these, were it accepted, would suppress the victim.
    let victimMessage = '';
    beforeAll(async () => {
      victimMessage = await mailTo(victim);
    });
    afterEach(async () => {
      expect(await t.container.suppressions.isSuppressed(victim)).toBe(false);
    });

    it('when one byte of the signed Message is changed, then 401', async () => {
      const m = sns({ Message: bounce('other@example.com', victimMessage) });
      m.Message = m.Message.replace('other@example.com', 'victim@example.com');
      const res = await post(m);
      expect(res.status).toBe(401);
      expectMatchesOpenApi(res, 'POST', PATH);
    });

    it('when the message is signed by another key, then 401', async () => {
      const other = makeCertificate();
      expect(
        (await post(sns({ Message: bounce(victim, victimMessage) }, { key: other.keyPem }))).status,
      ).toBe(401);
    });

    it('when it has no signature or is not JSON, then 401', async () => {
      const m = sns({ Message: bounce(victim, victimMessage) });
      delete (m as Partial<typeof m>).Signature;
      expect((await post(m)).status).toBe(401);
      expect((await post('Type=Notification')).status).toBe(401);
    });

    it("when SigningCertURL is not the topic region's SNS host over https, then 401 and it is never fetched", async () => {
      for (const url of [
        'https://evil.example.com/SimpleNotificationService-1.pem',
        'https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem',
        'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem',
        'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
        'https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-1.pem',
        'https://sns.eu-west-1.amazonaws.com/not-a-certificate.txt',
        'https://sns.eu-west-1.amazonaws.com/other/attacker.pem',
        'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem?redirect=https://evil.example',
        // One real file under many names would be a fetch each: no fragment, query or user info.
        `${CERT_URL}#fresh-name-1`,
        `${CERT_URL}?`,
        CERT_URL.replace('https://', 'https://user@'),
        CERT_URL.replace('https://', 'https://:pw@'),
        `https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-${'a'.repeat(65)}.pem`,
      ]) {
        const res = await post(sns({ Message: bounce(victim, victimMessage), SigningCertURL: url }));
        expect(res.status).toBe(401);
      }
      expect(fetched).toEqual([]);
    });

    it('when the message comes from another topic, then 401', async () => {
      const other = 'arn:aws:sns:eu-west-1:999999999999:someone-elses-topic';
      expect((await post(sns({ Message: bounce(victim, victimMessage), TopicArn: other }))).status).toBe(401);
    });

    it('when the message is more than an hour old, then 401 even though it is signed', async () => {
      const old = new Date(t.clock.now().getTime() - 3_601_000).toISOString();
      expect((await post(sns({ Message: bounce(victim, victimMessage), Timestamp: old }))).status).toBe(401);
    });

    it('when the SignatureVersion is unknown, then 401', async () => {
      const m = sns({ Message: bounce(victim, victimMessage) });
      expect((await post({ ...m, SignatureVersion: '3' })).status).toBe(401);
    });
  });
});

describe('POST /v1/webhooks/ses when the certificate cannot be fetched', () => {
  it('when the fetcher fails, then 401 and nothing changes', async () => {
    const signer = makeCertificate();
    const t = await createTestApp({
      env: { SES_SNS_TOPIC_ARN: TOPIC },
      overrides: {
        snsCertificateFetcher: async () => {
          throw new Error('unreachable');
        },
      },
    });
    try {
      const m: Record<string, string> = {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: TOPIC,
        Message: JSON.stringify({
          eventType: 'Complaint',
          mail: { messageId: 'x', destination: ['c@example.com'] },
        }),
        Timestamp: t.clock.now().toISOString(),
        SignatureVersion: '2',
        SigningCertURL: CERT_URL,
      };
      m.Signature = createSign('RSA-SHA256').update(stringToSign(m)).sign(signer.keyPem, 'base64');
      const res = await t.http.post(PATH).set('Content-Type', 'text/plain').send(JSON.stringify(m));
      expect(res.status).toBe(401);
      expect(await t.container.suppressions.isSuppressed('c@example.com')).toBe(false);
    } finally {
      await t.close();
    }
  });
});

describe('SES event mapping', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const read = (msg: object) => readSesNotification(JSON.stringify(msg), 'sns-1', at);
  it.each([
    ['Send', 'accepted'],
    ['Delivery', 'delivered'],
    ['Reject', 'dropped'],
    ['DeliveryDelay', 'deferred'],
    ['Open', 'open'],
    ['Click', 'click'],
    ['Subscription', 'unsubscribe'],
    ['Rendering Failure', 'other'],
  ])('when SES reports %s, then the event type is %s and nothing is suppressed', (eventType, type) => {
    const [event] = read({ eventType, mail: { messageId: 'm', destination: ['a@example.com'] } });
    expect(event).toMatchObject({ provider: 'ses', providerEventId: 'sns-1', providerMessageId: 'm', type });
    expect(event.suppress).toBeUndefined();
  });

  it('when a bounce names several recipients, then each gets its own event id and suppression', () => {
    const events = read({
      notificationType: 'Bounce',
      mail: { messageId: 'm', timestamp: '2025-12-31T23:59:00.000Z' },
      bounce: {
        bounceType: 'Permanent',
        bouncedRecipients: [{ emailAddress: 'a@example.com' }, { emailAddress: 'b@example.com' }],
      },
    });
    expect(events.map((e) => [e.providerEventId, e.email, e.suppress])).toEqual([
      ['sns-1', 'a@example.com', 'bounce'],
      ['sns-1#1', 'b@example.com', 'bounce'],
    ]);
    expect(events[0].occurredAt.toISOString()).toBe('2025-12-31T23:59:00.000Z');
  });

  it('when the message is not an SES event object, then there is nothing to apply, or an event with no recipient', () => {
    expect(readSesNotification('[1,2]', 'sns-2', at)).toEqual([]);
    expect(readSesNotification('not json', 'sns-3', at)).toEqual([]);
    expect(read({ eventType: 'Open' })).toEqual([
      expect.objectContaining({
        type: 'open',
        email: undefined,
        providerMessageId: undefined,
        occurredAt: at,
      }),
    ]);
  });
});
