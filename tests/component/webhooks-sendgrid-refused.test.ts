/** SendGrid webhook requests that must be refused (bad or missing signature, stale timestamp), and change nothing. */
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import type { TestApp } from '../helpers/test-app';
import { makeKey, PATH, SIGNATURE, TIMESTAMP, useSendGridWebhookApp } from './webhooks-sendgrid-fixtures';

describe('POST /v1/webhooks/sendgrid (signed Event Webhook)', () => {
  const { app, nowSeconds, post, signed, mailTo, event } = useSendGridWebhookApp();
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
});
