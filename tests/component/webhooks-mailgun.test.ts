import { createHmac, randomBytes } from 'node:crypto';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { MailgunLikeMailer, PATH, SIGNING_KEY } from './webhooks-mailgun-fixtures';

describe('POST /v1/webhooks/mailgun (HMAC-signed webhooks)', () => {
  const mailer = new MailgunLikeMailer();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { MAILGUN_WEBHOOK_SIGNING_KEY: SIGNING_KEY }, overrides: { mailer } });
  });
  afterAll(async () => t.close());

  const nowSeconds = () => Math.floor(t.clock.now().getTime() / 1000);
  /** A webhook body as Mailgun posts it, signed with `key` (a fresh token each time unless given). */
  const body = (
    eventData: object,
    options: { key?: string; skew?: number; token?: string; timestamp?: string } = {},
  ) => {
    const timestamp = options.timestamp ?? String(nowSeconds() + (options.skew ?? 0));
    const token = options.token ?? randomBytes(25).toString('hex');
    const signature = createHmac('sha256', options.key ?? SIGNING_KEY)
      .update(timestamp + token)
      .digest('hex');
    return { signature: { timestamp, token, signature }, 'event-data': eventData };
  };
  const eventData = (
    recipient: string,
    event: string,
    extra: object = {},
    messageId = 'none@mg.example.com',
  ) => ({
    id: `mgev-${randomBytes(8).toString('hex')}`,
    event,
    recipient,
    timestamp: nowSeconds() + 0.25,
    message: { headers: { 'message-id': messageId } },
    ...extra,
  });
  const post = (payload: unknown) =>
    t.http
      .post(PATH)
      .set('Content-Type', 'application/json')
      .send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const mailTo = async (email: string) => {
    expect((await t.http.post('/v1/otp/request').send({ email })).status).toBe(202);
    await t.container.queue.drain();
    return (await t.container.deliveries.recentMessagesFor(email)).messages[0].providerMessageId as string;
  };

  it('when a signed "delivered" event arrives, then 204 and the message is delivered', async () => {
    const msgId = await mailTo('ann@example.com');
    const res = await post(body(eventData('ann@example.com', 'delivered', {}, msgId)));
    expect(res.status).toBe(204);
    expectMatchesOpenApi(res, 'POST', PATH);
    const report = await t.container.deliveries.recentMessagesFor('ann@example.com');
    expect(report.messages[0]).toMatchObject({ provider: 'mailgun', status: 'delivered' });
    expect(report.messages[0].events).toEqual([
      { provider: 'mailgun', type: 'delivered', occurredAt: expect.any(Date) },
    ]);
  });

  it('when a permanent failure arrives, then the address is suppressed and the next request gets 202 with no email', async () => {
    const msgId = await mailTo('gone@example.com');
    t.clock.advance(3_600_000);
    const res = await post(
      body(eventData('gone@example.com', 'failed', { severity: 'permanent', reason: 'bounce' }, msgId)),
    );
    expect(res.status).toBe(204);
    expect(await t.container.suppressions.find('gone@example.com')).toMatchObject({
      reason: 'bounce',
      source: 'mailgun',
    });
    expect((await t.container.deliveries.recentMessagesFor('gone@example.com')).messages[0].status).toBe(
      'bounced',
    );

    const before = mailer.sent.length;
    const again = await t.http.post('/v1/otp/request').send({ email: 'gone@example.com' });
    await t.container.queue.drain();
    expect(again.status).toBe(202);
    expect(mailer.sent.length).toBe(before);
  });

  it('when a temporary failure arrives, then the message is deferred and the address stays mailable', async () => {
    const msgId = await mailTo('busy@example.com');
    await post(body(eventData('busy@example.com', 'failed', { severity: 'temporary' }, msgId)));
    expect(await t.container.suppressions.isSuppressed('busy@example.com')).toBe(false);
    expect((await t.container.deliveries.recentMessagesFor('busy@example.com')).messages[0].status).toBe(
      'deferred',
    );
  });

  it('when a complaint arrives, then the address is suppressed as a complaint', async () => {
    const msgId = await mailTo('angry@example.com');
    await post(body(eventData('angry@example.com', 'complained', {}, msgId)));
    expect((await t.container.suppressions.find('angry@example.com'))?.reason).toBe('complaint');
  });

  it('when the same event id comes with a new token, then it is accepted and applied once', async () => {
    const data = eventData('twice@example.com', 'opened', {}, await mailTo('twice@example.com'));
    expect((await post(body(data))).status).toBe(204);
    expect((await post(body(data))).status).toBe(204);
    const values = (await t.container.metrics.emailEvents.get()).values;
    expect(values.find((v) => v.labels.provider === 'mailgun' && v.labels.type === 'open')?.value).toBe(1);
  });

  it('when the body is over 64 KiB, then 413 before it is parsed, even correctly signed', async () => {
    const res = await post(body(eventData('big@example.com', 'delivered', { pad: 'x'.repeat(66_000) })));
    expect(res.status).toBe(413);
    expectMatchesOpenApi(res, 'POST', PATH);
  });

  it('when a signed failure is about a message this service did not send, then 204 and nothing changes', async () => {
    const res = await post(
      body(eventData('stranger@example.com', 'failed', { severity: 'permanent' }, 'theirs@mg.example.com')),
    );
    expect(res.status).toBe(204);
    expect(await t.container.suppressions.isSuppressed('stranger@example.com')).toBe(false);
    expect(t.logs.filter((l) => l.event === 'email.event_unknown_message').pop()).toMatchObject({
      provider: 'mailgun',
      type: 'bounce',
    });
    expect(t.rawLogs.join('')).not.toContain('stranger@example.com');
  });

  it('when a signed body has no usable event-data, then 400', async () => {
    const res = await post(body({ event: 'delivered' }));
    expect(res.status).toBe(400);
    expectMatchesOpenApi(res, 'POST', PATH);
  });

  describe('refused requests change nothing', () => {
    const victim = 'victim@example.com';
    // About a message we sent, so that any of these, were it accepted, would suppress the victim.
    let victimMessage = '';
    beforeAll(async () => {
      victimMessage = await mailTo(victim);
    });
    const bounce = () => eventData(victim, 'failed', { severity: 'permanent' }, victimMessage);
    afterEach(async () => {
      expect(await t.container.suppressions.isSuppressed(victim)).toBe(false);
    });

    it('when one character of the signature is changed, then 401', async () => {
      const payload = body(bounce());
      const sig = payload.signature.signature;
      payload.signature.signature = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
      const res = await post(payload);
      expect(res.status).toBe(401);
      expectMatchesOpenApi(res, 'POST', PATH);
    });

    it('when the token or timestamp is changed after signing, then 401', async () => {
      const a = body(bounce());
      const last = a.signature.token.slice(-1);
      a.signature.token = a.signature.token.slice(0, -1) + (last === '0' ? '1' : '0');
      expect((await post(a)).status).toBe(401);
      const b = body(bounce());
      b.signature.timestamp = String(Number(b.signature.timestamp) - 1);
      expect((await post(b)).status).toBe(401);
    });

    it('when there is no signature, another key signed it, or the body is not JSON, then 401', async () => {
      expect((await post({ 'event-data': bounce() })).status).toBe(401);
      expect((await post(body(bounce(), { key: 'some-other-key' }))).status).toBe(401);
      expect((await post('event=failed&recipient=victim%40example.com')).status).toBe(401);
    });

    it('when the timestamp is more than 300 s away, then 401', async () => {
      expect((await post(body(bounce(), { skew: -301 }))).status).toBe(401);
      expect((await post(body(bounce(), { skew: 301 }))).status).toBe(401);
    });

    it('when a request is replayed with its token, then the replay is refused with 401', async () => {
      const payload = body(eventData('replay-ok@example.com', 'delivered'));
      expect((await post(payload)).status).toBe(204);
      const replay = { ...payload, 'event-data': bounce() };
      expect((await post(replay)).status).toBe(401);
      expect(t.logs.filter((l) => l.event === 'webhook.refused').pop()).toMatchObject({ reason: 'replayed' });
    });
  });
});
