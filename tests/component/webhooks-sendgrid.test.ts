import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import type { TestApp } from '../helpers/test-app';
import { PATH, useSendGridWebhookApp } from './webhooks-sendgrid-fixtures';

describe('POST /v1/webhooks/sendgrid (signed Event Webhook)', () => {
  const { mailer, app, post, signed, deliver, mailTo, event, eventsTotal } = useSendGridWebhookApp();
  let t: TestApp;
  beforeAll(() => {
    t = app();
  });

  it('when signed delivery events arrive, then 204 and the message moves delivered, then opened, with a metric per event', async () => {
    const msgId = await mailTo('ann@example.com');
    const before = await eventsTotal('delivered');
    const res = await deliver([
      event('ann@example.com', msgId, 'processed'),
      event('ann@example.com', msgId, 'delivered'),
    ]);
    expect(res.status).toBe(204);
    expectMatchesOpenApi(res, 'POST', PATH);
    expect((await deliver([event('ann@example.com', msgId, 'open')])).status).toBe(204);

    const report = await t.container.deliveries.recentMessagesFor('ann@example.com');
    expect(report.messages[0].status).toBe('opened');
    expect(report.messages[0].events.map((e) => e.type)).toEqual(['accepted', 'delivered', 'open']);
    expect(await eventsTotal('delivered')).toBe(before + 1);
    const text = await t.container.metrics.registry.metrics();
    expect(text).toMatch(/email_events_total\{provider="sendgrid",type="open"\} 1/);
  });

  it('when a late "deferred" arrives after "delivered", then it is recorded but the status does not go back', async () => {
    const msgId = await mailTo('late@example.com');
    await deliver([event('late@example.com', msgId, 'delivered')]);
    await deliver([event('late@example.com', msgId, 'deferred')]);
    const report = await t.container.deliveries.recentMessagesFor('late@example.com');
    expect(report.messages[0].status).toBe('delivered');
    expect(report.messages[0].events.map((e) => e.type)).toEqual(['delivered', 'deferred']);
  });

  it('when a bounce arrives, then the address is suppressed and its next /v1/otp/request gets the identical 202 with no email', async () => {
    const msgId = await mailTo('bounce@example.com');
    t.clock.advance(3_600_000); // past the resend cooldown and hourly caps
    const res = await deliver([
      event('bounce@example.com', msgId, 'bounce', { type: 'bounce', reason: '550 5.1.1 no such user' }),
    ]);
    expect(res.status).toBe(204);
    expect(await t.container.suppressions.find('bounce@example.com')).toMatchObject({
      reason: 'bounce',
      source: 'sendgrid',
    });
    expect((await t.container.deliveries.recentMessagesFor('bounce@example.com')).messages[0].status).toBe(
      'bounced',
    );

    const sentBefore = mailer.sent.length;
    const suppressedBefore = (await t.container.metrics.emailsSuppressed.get()).values[0]?.value ?? 0;
    const suppressed = await t.http.post('/v1/otp/request').send({ email: 'bounce@example.com' });
    const normal = await t.http.post('/v1/otp/request').send({ email: 'someone-else@example.com' });
    await t.container.queue.drain();

    expect(suppressed.status).toBe(202);
    expect(suppressed.body).toEqual(normal.body);
    expect(Object.keys(suppressed.headers).sort()).toEqual(Object.keys(normal.headers).sort());
    expect(mailer.sent.slice(sentBefore).map((m) => m.to)).toEqual(['someone-else@example.com']);
    expect((await t.container.metrics.emailsSuppressed.get()).values[0].value).toBe(suppressedBefore + 1);
  });

  it('when a dropped or spamreport event arrives, then the address is suppressed with that reason', async () => {
    await deliver([
      event('dropped@example.com', await mailTo('dropped@example.com'), 'dropped', {
        reason: 'Bounced Address',
      }),
      event('spam@example.com', await mailTo('spam@example.com'), 'spamreport'),
    ]);
    expect((await t.container.suppressions.find('dropped@example.com'))?.reason).toBe('dropped');
    expect((await t.container.suppressions.find('spam@example.com'))?.reason).toBe('spamreport');
  });

  it('when a signed bounce is about a message this service did not send, then 204 and nothing changes; the log has no address', async () => {
    const before = await eventsTotal('bounce');
    const res = await deliver([
      event('stranger@example.com', 'not-our-message', 'bounce', { type: 'bounce' }),
    ]);
    expect(res.status).toBe(204);
    expect(await t.container.suppressions.isSuppressed('stranger@example.com')).toBe(false);
    expect(await eventsTotal('bounce')).toBe(before);
    const line = t.logs.filter((l) => l.event === 'email.event_unknown_message').pop();
    expect(line).toMatchObject({ provider: 'sendgrid', type: 'bounce', emailHash: expect.any(String) });
    expect(t.rawLogs.join('')).not.toContain('stranger@example.com');
  });

  it('when a bounce for our message names another address, then the message is bounced and no address is suppressed', async () => {
    const msgId = await mailTo('mine@example.com');
    await deliver([event('someone-else-entirely@example.com', msgId, 'bounce', { type: 'bounce' })]);
    expect(await t.container.suppressions.isSuppressed('someone-else-entirely@example.com')).toBe(false);
    expect(await t.container.suppressions.isSuppressed('mine@example.com')).toBe(false);
    expect((await t.container.deliveries.recentMessagesFor('mine@example.com')).messages[0].status).toBe(
      'bounced',
    );
  });

  it('when a "blocked" bounce arrives, then the message is bounced but the address is not suppressed', async () => {
    const msgId = await mailTo('blocked@example.com');
    await deliver([event('blocked@example.com', msgId, 'bounce', { type: 'blocked' })]);
    expect(await t.container.suppressions.isSuppressed('blocked@example.com')).toBe(false);
    expect((await t.container.deliveries.recentMessagesFor('blocked@example.com')).messages[0].status).toBe(
      'bounced',
    );
  });

  it('when the same sg_event_id arrives again, in a replay or a fresh request, then it is applied once', async () => {
    const msgId = await mailTo('dup@example.com');
    const bounce = event('dup@example.com', msgId, 'bounce');
    const first = signed([bounce]);
    const before = await eventsTotal('bounce');
    expect((await post(first.body, first.headers)).status).toBe(204);
    expect((await post(first.body, first.headers)).status).toBe(204); // SendGrid retrying the same POST
    expect((await deliver([bounce, bounce])).status).toBe(204); // in a later batch, twice
    expect(await eventsTotal('bounce')).toBe(before + 1);
    const report = await t.container.deliveries.recentMessagesFor('dup@example.com');
    expect(report.messages[0].events).toHaveLength(1);
  });

  it('when a correctly signed body is not an array of events, then 400', async () => {
    for (const body of ['{"event":"bounce"}', '"x"', 'not json']) {
      const s = signed(body);
      const res = await post(s.body, s.headers);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_request');
      expectMatchesOpenApi(res, 'POST', PATH);
    }
  });

  it('when entries lack an sg_event_id, then they are skipped and the rest applied', async () => {
    const res = await deliver([
      { email: 'noid@example.com', event: 'bounce' },
      42,
      event('withid@example.com', await mailTo('withid@example.com'), 'spamreport'),
    ]);
    expect(res.status).toBe(204);
    expect(await t.container.suppressions.isSuppressed('noid@example.com')).toBe(false);
    expect(await t.container.suppressions.isSuppressed('withid@example.com')).toBe(true);
  });

  it('when the body is over 1 MB, then 413 before any verification', async () => {
    const big = JSON.stringify([{ pad: 'x'.repeat(1_100_000) }]);
    const s = signed(big);
    const res = await post(s.body, s.headers);
    expect(res.status).toBe(413);
  });

  it('when another verb is used, then 405 with Allow: POST', async () => {
    const res = await t.http.get(PATH);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('when the Mailgun or SES webhook is not configured, then its route answers 404', async () => {
    for (const path of ['/v1/webhooks/mailgun', '/v1/webhooks/ses']) {
      const res = await t.http.post(path).set('Content-Type', 'application/json').send('{}');
      expect(res.status).toBe(404);
      expectMatchesOpenApi(res, 'POST', path);
    }
  });
});
