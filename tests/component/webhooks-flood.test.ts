import { generateKeyPairSync, sign } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { systemClock } from '../../src/platform/clock';
import { createSendGridWebhook } from '../../src/modules/email/webhooks/sendgrid.webhook';
import { createTestApp, type TestApp } from '../helpers/test-app';

const FLOOD = 1_200;
const ATTACKER_IP = '198.51.100.7';
const PROVIDER_IP = '203.0.113.5';

/** The service's key, and the attacker's: a signature that is well formed but never verifies. */
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

describe('SendGrid signature check cost', () => {
  it('when 200 forged signatures are checked, then they take well under a millisecond each', async () => {
    const service = keyPair();
    const attacker = keyPair();
    const verifier = createSendGridWebhook({
      publicKey: service.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      clock: systemClock,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = Buffer.from(JSON.stringify([{ event: 'bounce', sg_event_id: 'x', email: 'v@example.com' }]));
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), attacker.privateKey);
    const headers: Record<string, string> = {
      'X-Twilio-Email-Event-Webhook-Signature': signature.toString('base64'),
      'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
    };
    const reasons = new Set<string>();
    const started = performance.now();
    for (let i = 0; i < 200; i += 1) {
      await verifier.verify({ rawBody: body, header: (n) => headers[n] }).catch((e: { reason: string }) => {
        reasons.add(e.reason);
      });
    }
    const elapsed = performance.now() - started;
    expect([...reasons]).toEqual(['bad_signature']);
    // A pure-JavaScript ECDSA check takes ~10 ms: 2 s here. OpenSSL's takes ~0.1 ms.
    expect(elapsed).toBeLessThan(1000);
  });
});

/**
 * A flood of forged webhooks must not become CPU (docs/security.md, "Forged webhooks"): the
 * signature is checked by OpenSSL on the raw bytes before any parsing, and an IP whose
 * requests keep failing verification is answered 429 before its body is read.
 */
describe('a flood of forged SendGrid webhooks', () => {
  const service = keyPair();
  const attacker = keyPair();
  let t: TestApp;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const publicKey = service.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    t = await createTestApp({ env: { SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey, TRUST_PROXY: 'loopback' } });
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  const post = (agent: http.Agent, body: string, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/webhooks/sendgrid',
          method: 'POST',
          agent,
          headers: {
            'X-Forwarded-For': ATTACKER_IP,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it(`when ${FLOOD} forged posts arrive at once from one IP, then the event loop stays responsive (median delay < 50 ms) and each gets 401 or 429`, async () => {
    const timestamp = String(Math.floor(t.clock.now().getTime() / 1000));
    const forged = Array.from({ length: FLOOD }, (_, i) => {
      const body = JSON.stringify([
        { email: `victim${i}@example.com`, event: 'bounce', sg_event_id: `forged-${i}`, sg_message_id: 'x' },
      ]);
      const signature = sign('sha256', Buffer.from(timestamp + body), attacker.privateKey).toString('base64');
      return {
        body,
        headers: {
          'X-Twilio-Email-Event-Webhook-Signature': signature,
          'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
        },
      };
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = Date.now();
    const statuses = await Promise.all(forged.map((f) => post(agent, f.body, f.headers)));
    delay.disable();
    agent.destroy();

    const medianMs = delay.percentile(50) / 1e6;
    const counts = statuses.reduce<Record<number, number>>((c, s) => ({ ...c, [s]: (c[s] ?? 0) + 1 }), {});
    // Printed so a slow run shows where the time went.
    console.info(
      `flood: ${Date.now() - started} ms, event loop delay p50 ${medianMs.toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, statuses ${JSON.stringify(counts)}`,
    );
    expect(medianMs).toBeLessThan(50);
    expect(Object.keys(counts).sort()).toEqual(['401', '429']);
    expect(await t.container.suppressions.isSuppressed('victim1@example.com')).toBe(false);
  }, 60_000);

  const signedBySendGrid = (i: number) => {
    const timestamp = String(Math.floor(t.clock.now().getTime() / 1000));
    const body = JSON.stringify([{ email: 'a@example.com', event: 'delivered', sg_event_id: `real-${i}` }]);
    const signature = sign('sha256', Buffer.from(timestamp + body), service.privateKey).toString('base64');
    return t.http
      .post('/v1/webhooks/sendgrid')
      .set('X-Forwarded-For', PROVIDER_IP)
      .set('Content-Type', 'application/json')
      .set('X-Twilio-Email-Event-Webhook-Signature', signature)
      .set('X-Twilio-Email-Event-Webhook-Timestamp', timestamp)
      .send(body);
  };

  it("when the flood is over budget, then the forger's IP is refused even with a valid signature, and the provider's is not", async () => {
    const fromAttacker = await signedBySendGrid(0).set('X-Forwarded-For', ATTACKER_IP);
    expect(fromAttacker.status).toBe(429);
    expect(fromAttacker.headers['retry-after']).toBeDefined();
    expect((await signedBySendGrid(1)).status).toBe(204);
  });

  it('when a provider posts more verified requests than the refusal budget, then none is refused', async () => {
    const statuses = [];
    for (let i = 0; i < 130; i += 1) statuses.push((await signedBySendGrid(100 + i)).status);
    expect(new Set(statuses)).toEqual(new Set([204]));
  });
});
