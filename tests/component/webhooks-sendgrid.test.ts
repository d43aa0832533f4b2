import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readSendGridEvents } from '../../src/modules/email/webhooks/sendgrid.webhook';
import type { OutgoingEmail } from '../../src/modules/email/email.ports';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { RecordingMailer } from '../helpers/recording-mailer';
import { createTestApp, type TestApp } from '../helpers/test-app';

const SIGNATURE = 'X-Twilio-Email-Event-Webhook-Signature';
const TIMESTAMP = 'X-Twilio-Email-Event-Webhook-Timestamp';
const PATH = '/v1/webhooks/sendgrid';

/** Records like RecordingMailer, but answers as SendGrid does: its X-Message-Id. */
class SendGridLikeMailer extends RecordingMailer {
  override async send(message: OutgoingEmail) {
    await super.send(message);
    return { messageId: `sgmsg${this.sent.length}`, provider: 'sendgrid' };
  }
}

/** A P-256 key pair, the public half exported as SendGrid shows it: base64 DER SubjectPublicKeyInfo. */
function makeKey(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

const signBody = (key: KeyObject, timestamp: string, body: string) =>
  sign('sha256', Buffer.from(timestamp + body, 'utf8'), key).toString('base64');

describe('POST /v1/webhooks/sendgrid (signed Event Webhook)', () => {
  const key = makeKey();
  const mailer = new SendGridLikeMailer();
  let t: TestApp;
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

  describe('refused requests change nothing', () => {
    const victim = 'victim@example.com';
    // About a message we sent, so that any of these, were it accepted, would suppress the victim.
    let victimMessage = '';
    beforeAll(async () => {
      victimMessage = await mailTo(victim);
    });
    const bounceFor = () => [event(victim, victimMessage, 'bounce')];
    afterEach(async () => {
      expect(await t.container.suppressions.isSuppressed(victim)).toBe(false);
    });

    it('when one byte of a signed body is changed, then 401', async () => {
      const { body, headers } = signed(bounceFor());
      const tampered = body.replace('"bounce"', '"bounca"');
      expect(tampered).not.toBe(body);
      const res = await post(tampered, headers);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expectMatchesOpenApi(res, 'POST', PATH);
    });

    it('when the signature headers are missing, then 401', async () => {
      expect((await post(JSON.stringify(bounceFor()), {})).status).toBe(401);
      const { body, headers } = signed(bounceFor());
      expect((await post(body, { [SIGNATURE]: headers[SIGNATURE] })).status).toBe(401);
    });

    it('when the body is signed by another key, or the signature is garbage, then 401', async () => {
      const other = makeKey();
      const forged = signed(bounceFor(), 0, other.privateKey);
      expect((await post(forged.body, forged.headers)).status).toBe(401);
      const { body, headers } = signed(bounceFor());
      expect((await post(body, { ...headers, [SIGNATURE]: 'not-base64-%%%' })).status).toBe(401);
      expect(
        (await post(body, { ...headers, [SIGNATURE]: Buffer.from('x').toString('base64') })).status,
      ).toBe(401);
    });

    it('when the timestamp is more than 300 s old or ahead, then 401 even with a valid signature', async () => {
      for (const skew of [-301, 301]) {
        const { body, headers } = signed(bounceFor(), skew);
        const res = await post(body, headers);
        expect(res.status).toBe(401);
      }
      const ok = signed([event('fresh-edge@example.com', 'nomsg', 'delivered')], -299);
      expect((await post(ok.body, ok.headers)).status).toBe(204);
    });

    it('when the signed timestamp header is changed to a fresh one, then 401', async () => {
      const { body, headers } = signed(bounceFor(), -600);
      expect((await post(body, { ...headers, [TIMESTAMP]: nowSeconds() })).status).toBe(401);
    });

    it('when a refusal is logged, then it names the reason and no address', async () => {
      const { body, headers } = signed(bounceFor());
      await post(body.replace('victim', 'victin'), headers);
      const line = t.logs.filter((l) => l.event === 'webhook.refused').pop();
      expect(line).toMatchObject({ provider: 'sendgrid', reason: 'bad_signature' });
      expect(JSON.stringify(line)).not.toContain(victim);
    });
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

describe('SendGrid event mapping', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  it.each([
    ['processed', 'accepted'],
    ['click', 'click'],
    ['unsubscribe', 'unsubscribe'],
    ['group_unsubscribe', 'unsubscribe'],
    ['group_resubscribe', 'other'],
  ])('when SendGrid reports %s, then the type is %s', (name, type) => {
    const [e] = readSendGridEvents([{ event: name, sg_event_id: 'id', timestamp: 'not-a-number' }], at);
    expect(e).toMatchObject({ type, occurredAt: at });
    expect([e.providerMessageId, e.suppress]).toEqual([undefined, undefined]);
  });
});
