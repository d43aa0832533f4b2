/** SES (SNS) webhook messages that must be refused (bad signature, certificate URL, topic, age), and change nothing. */
import { createSign, randomUUID } from 'node:crypto';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  CERT_URL,
  makeCertificate,
  PATH,
  stringToSign,
  TOPIC,
  useSesWebhookApp,
} from './webhooks-ses-fixtures';

describe('POST /v1/webhooks/ses (SES notifications through SNS)', () => {
  const { fetched, app, sns, post, mailTo, bounce } = useSesWebhookApp();
  let t: TestApp;
  beforeAll(() => {
    t = app();
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
