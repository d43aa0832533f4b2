import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import type { TestApp } from '../helpers/test-app';
import { CERT_URL, PATH, TOPIC, useSesWebhookApp } from './webhooks-ses-fixtures';

describe('POST /v1/webhooks/ses (SES notifications through SNS)', () => {
  const { mailer, fetched, app, sns, sesEvent, post, mailTo, bounce } = useSesWebhookApp();
  let t: TestApp;
  beforeAll(() => {
    t = app();
  });

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
});
