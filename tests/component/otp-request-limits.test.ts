import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { otpRows, requestCode, sentAfter } from './otp-request-fixtures';

/** SECURITY 16: the per-IP code cap and the general per-IP limit (moved out of otp-request.test.ts). */

describe('POST /v1/otp/request with a small per-IP code cap', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { OTP_MAX_PER_IP_PER_HOUR: '2' } });
  });
  afterAll(async () => t.close());

  it('when one IP asks for more codes than its hourly cap, then 429 with Retry-After and no email, even behind a forged X-Forwarded-For', async () => {
    await requestCode(t, 'ip-1@example.com');
    await requestCode(t, 'ip-2@example.com');

    const { res, sent } = await sentAfter(t, () => requestCode(t, 'ip-3@example.com'));
    const spoofed = await t.http
      .post('/v1/otp/request')
      .set('X-Forwarded-For', '198.51.100.23')
      .send({ email: 'ip-4@example.com' });

    expect(res.status).toBe(429);
    expect(res.body.code).toBe('rate_limited');
    expect(res.headers['retry-after']).toBe('3600');
    expectMatchesOpenApi(res, 'POST', '/v1/otp/request');
    expect(sent).toBe(0);
    expect(spoofed.status).toBe(429);
    await t.container.queue.drain();
    expect(t.mailer.sent.map((m) => m.to)).toEqual(['ip-1@example.com', 'ip-2@example.com']);
  });
});

describe('POST /v1/otp/request with a small general per-IP limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_MAX_REQUESTS: '3' } });
  });
  afterAll(async () => t.close());

  it('when an IP spends its general budget, then 429 problem+json with Retry-After and RateLimit headers, and a random X-Forwarded-For does not escape it', async () => {
    for (let i = 0; i < 3; i++) expect((await requestCode(t, `general-${i}@example.com`)).status).toBe(202);

    const { res, sent } = await sentAfter(t, () => requestCode(t, 'general-3@example.com'));
    const spoofed = await t.http
      .post('/v1/otp/request')
      .set('X-Forwarded-For', `203.0.113.${Math.floor(Math.random() * 250) + 1}`)
      .send({ email: 'general-4@example.com' });

    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'rate_limited', status: 429, requestId: expect.any(String) });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(res.headers['ratelimit']).toMatch(/limit=3, remaining=0, reset=\d+/);
    expect(res.headers['ratelimit-policy']).toBe('3;w=900');
    expectMatchesOpenApi(res, 'POST', '/v1/otp/request');
    expect(sent).toBe(0);
    expect(spoofed.status).toBe(429);
    expect(await otpRows(t, 'general-4@example.com')).toHaveLength(0);
  });
});
