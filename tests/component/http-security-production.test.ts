/** SECURITY 35, 39, 54 under production settings (no stacks, CORS allowlist, headers on a 429), and gzip compression. */
import type { Response } from 'supertest';
import { TEST_SECRET, createTestApp, type TestApp } from '../helpers/test-app';
import { expectSecurityHeaders, LEAKS } from './http-security-fixtures';

describe('HTTP security (production settings)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        NODE_ENV: 'production',
        SESSION_SECRET: TEST_SECRET,
        ALLOW_EMBEDDED_DATABASE: 'true',
        SMTP_HOST: '127.0.0.1',
        METRICS_TOKEN: 'metrics-token-0123456789abcdef',
        CORS_ORIGIN: 'https://app.example.com,https://admin.example.com',
        PUBLIC_URL: 'https://login.example.com',
        RATE_LIMIT_MAX_REQUESTS: '8',
      },
      overrides: {
        suppressions: {
          isSuppressed: async (email) => {
            if (email.startsWith('explode')) throw new Error('boom: SELECT * FROM users at /src/x.ts:1');
            return false;
          },
        },
      },
    });
  });
  afterAll(async () => t.close());

  it('when a request fails unexpectedly in production, then a bare 500 problem with no stack, and the cause is logged', async () => {
    const res = await t.http.post('/v1/otp/request').send({ email: 'explode@example.com' });

    expect(res.status).toBe(500);
    expectSecurityHeaders(res);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'requestId', 'status', 'title', 'type']);
    expect(res.body.code).toBe('internal_error');
    expect(res.text).not.toMatch(LEAKS);
    expect(t.logs).toContainEqual(
      expect.objectContaining({ message: 'unhandled error', requestId: res.body.requestId }),
    );
  });

  it('when a body is malformed in production, then the 400 has no parser text', async () => {
    const res = await t.http
      .post('/v1/otp/verify')
      .type('json')
      .send('{"email": "a@example.com", "code": 0x1}');

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
    expect(res.text).not.toMatch(/Unexpected|position|0x1|in JSON/);
    expect(res.text).not.toMatch(LEAKS);
  });

  it.each([
    ['https://app.example.com', true],
    ['https://admin.example.com', true],
    ['https://app.example.com.evil.test', false],
    ['https://evilapp.example.com', false],
    ['http://app.example.com', false],
    ['null', false],
  ])('when %s calls a configured allowlist, then it is echoed only if listed', async (origin, listed) => {
    const res = await t.http.get('/health/live').set('Origin', origin);

    expect(res.headers['access-control-allow-origin']).toBe(listed ? origin : undefined);
    expect(res.headers['access-control-allow-origin']).not.toBe('*');
    if (listed) expect(res.headers['vary']).toMatch(/\bOrigin\b/);
  });

  it('when the general limit is spent, then the 429 carries the security headers too', async () => {
    let res: Response | undefined;
    for (let i = 0; i < 10 && res?.status !== 429; i++) res = await t.http.get('/v1/nothing-here');

    expect(res?.status).toBe(429);
    expect(res?.headers['retry-after']).toMatch(/^\d+$/);
    expectSecurityHeaders(res as Response);
  });
});

describe('gzip compression', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when a client accepts gzip, then large documents are compressed and small API answers are not', async () => {
    const doc = await t.http.get('/v1/openapi.json').set('Accept-Encoding', 'gzip');
    expect(doc.headers['content-encoding']).toBe('gzip');
    expect(doc.body.openapi).toBe('3.1.0');
    const live = await t.http.get('/health/live').set('Accept-Encoding', 'gzip');
    expect(live.headers['content-encoding']).toBeUndefined();
  });
});
