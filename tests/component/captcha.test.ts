import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApiDocument } from '../../src/api-document';
import { loadConfig } from '../../src/platform/config/config';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The optional CAPTCHA on POST /v1/otp/request, against a local stand-in for the providers'
 * siteverify: a form-encoded POST of secret, response and remoteip, answered with JSON whose
 * `success` decides (Turnstile and hCaptcha document the same exchange).
 */
type Reply = { status?: number; body?: string; delayMs?: number };
const ACCEPTED: Record<string, object> = {
  turnstile: {
    success: true,
    challenge_ts: '2030-01-01T00:00:00Z',
    hostname: 'example.com',
    'error-codes': [],
  },
  hcaptcha: { success: true, challenge_ts: '2030-01-01T00:00:00Z', hostname: 'example.com', credit: false },
};
const REFUSED = { success: false, 'error-codes': ['invalid-input-response'] };
const SECRET = 'captcha-secret-0123456789';

async function startSiteverify() {
  const requests: Array<{ method?: string; type?: string; form: Record<string, string> }> = [];
  let reply: Reply = {};
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({
        method: req.method,
        type: req.headers['content-type'],
        form: Object.fromEntries(new URLSearchParams(body)),
      });
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' }).end(reply.body);
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/siteverify`,
    requests,
    answer(next: Reply) {
      reply = next;
      requests.length = 0;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe.each(['turnstile', 'hcaptcha'])('CAPTCHA_PROVIDER=%s', (provider) => {
  let t: TestApp;
  let siteverify: Awaited<ReturnType<typeof startSiteverify>>;
  let seq = 0;
  const email = () => `captcha-${provider}-${++seq}@example.com`;
  beforeAll(async () => {
    siteverify = await startSiteverify();
    t = await createTestApp({
      env: { CAPTCHA_PROVIDER: provider, CAPTCHA_SECRET: SECRET, CAPTCHA_VERIFY_URL: siteverify.url },
      // The production timeout is 3 s (SITEVERIFY_TIMEOUT_MS); a shorter one keeps the hang case quick.
      overrides: { captchaTimeoutMs: 500 },
    });
  });
  afterAll(async () => {
    await t.close();
    await siteverify.close();
  });

  const request = async (body: object) => {
    const res = await t.http.post('/v1/otp/request').send(body);
    await t.container.queue.drain();
    expectMatchesOpenApi(res, 'POST', '/v1/otp/request');
    return res;
  };

  it('when the provider accepts the token, then 202 and the code is sent; siteverify got secret, response and remoteip as a form', async () => {
    siteverify.answer({ body: JSON.stringify(ACCEPTED[provider]) });
    const to = email();

    const res = await request({ email: to, captchaToken: 'XXXX.DUMMY.TOKEN' });

    expect(res.status).toBe(202);
    expect(t.mailer.to(to)).toHaveLength(1);
    expect(siteverify.requests).toEqual([
      {
        method: 'POST',
        type: expect.stringMatching(/^application\/x-www-form-urlencoded/),
        form: {
          secret: SECRET,
          response: 'XXXX.DUMMY.TOKEN',
          remoteip: '127.0.0.1',
        },
      },
    ]);
  });

  it('when the token is missing, then 403 captcha_failed without asking the provider, and no code', async () => {
    siteverify.answer({ body: JSON.stringify(ACCEPTED[provider]) });
    const to = email();

    for (const body of [{ email: to }, { email: to, captchaToken: '' }, { email: to, captchaToken: 42 }]) {
      const res = await request(body);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('captcha_failed');
    }
    expect(siteverify.requests).toEqual([]);
    expect(t.mailer.to(to)).toHaveLength(0);
  });

  it('when the provider refuses the token, then 403 captcha_failed and no code', async () => {
    siteverify.answer({ body: JSON.stringify(REFUSED) });
    const to = email();

    const res = await request({ email: to, captchaToken: 'spent-or-forged' });

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('captcha_failed');
    expect(t.mailer.to(to)).toHaveLength(0);
    expect(t.logs).toContainEqual(
      expect.objectContaining({ event: 'captcha.refused', errorCodes: ['invalid-input-response'] }),
    );
  });

  it.each<[string, Reply]>([
    ['answers 500', { status: 500, body: '{"success":true}' }],
    ['answers something that is not JSON', { body: '<html>maintenance</html>' }],
    ['takes longer than the timeout', { body: '{"success":true}', delayMs: 1_500 }],
  ])('when siteverify %s, then it fails closed: 503 with Retry-After, no code', async (_what, reply) => {
    siteverify.answer(reply);
    const to = email();

    const res = await request({ email: to, captchaToken: 'a-token' });

    expect(res.status).toBe(503);
    expect(res.body.code).toBe('service_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(t.mailer.to(to)).toHaveLength(0);
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'captcha.unavailable', provider }));
  });
});

describe('CAPTCHA off (the default)', () => {
  it('when a body carries a captchaToken or not, then both are accepted and nothing is checked', async () => {
    const t = await createTestApp();
    try {
      const without = await t.http.post('/v1/otp/request').send({ email: 'off-1@example.com' });
      const withToken = await t.http
        .post('/v1/otp/request')
        .send({ email: 'off-2@example.com', captchaToken: 'ignored' });
      expect([without.status, withToken.status]).toEqual([202, 202]);
    } finally {
      await t.close();
    }
  });
});

describe('CAPTCHA configuration and document', () => {
  it('when a provider is set without CAPTCHA_SECRET, then the config is refused naming it (production too); production wants https', () => {
    for (const NODE_ENV of ['development', 'production']) {
      expect(() => loadConfig({ NODE_ENV, CAPTCHA_PROVIDER: 'turnstile' })).toThrow(
        /CAPTCHA_PROVIDER=turnstile needs CAPTCHA_SECRET/,
      );
    }
    expect(() => loadConfig({ NODE_ENV: 'test', CAPTCHA_PROVIDER: 'recaptcha' })).toThrow(/CAPTCHA_PROVIDER/);
    const plain = {
      CAPTCHA_PROVIDER: 'hcaptcha',
      CAPTCHA_SECRET: SECRET,
      CAPTCHA_VERIFY_URL: 'http://proxy/sv',
    };
    expect(() => loadConfig({ NODE_ENV: 'production', ...plain })).toThrow(
      /CAPTCHA_VERIFY_URL must be https/,
    );
    expect(loadConfig({ NODE_ENV: 'test', ...plain }).captcha).toMatchObject({
      verifyUrl: 'http://proxy/sv',
    });
  });

  it('when the document is built with a CAPTCHA, then captchaToken is required; without, optional; captcha_failed is a code', () => {
    type Doc = { components: { schemas: Record<string, { required?: string[]; properties?: object }> } };
    const on = buildApiDocument({ codeLength: 6, captcha: true }) as unknown as Doc;
    const off = buildApiDocument({ codeLength: 6 }) as unknown as Doc;

    expect(on.components.schemas.OtpRequest.required).toContain('captchaToken');
    expect(off.components.schemas.OtpRequest.required ?? []).not.toContain('captchaToken');
    expect(off.components.schemas.OtpRequest.properties).toHaveProperty('captchaToken');
    expect(JSON.stringify(off.components.schemas.Problem)).toContain('captcha_failed');
  });
});
