import { randomBytes } from 'node:crypto';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** SECURITY 51: /metrics behind METRICS_TOKEN, bounded labels, no emails, IPs or tokens. */

const DEFAULT_METRIC = /^(nodejs_|process_)/;
const seriesOf = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

describe('/metrics without METRICS_TOKEN (development)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when /metrics is fetched anonymously, then it is served', async () => {
    const res = await t.http.get('/metrics');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expectMatchesOpenApi(res, 'GET', '/metrics');
  });

  it('when 200 random emails and 200 random paths are requested, then the series count stays flat and leaks nothing', async () => {
    const signedIn = await t.signIn('metrics-owner@example.com');
    const refreshed = await t.http.post('/v1/auth/refresh').send({ refreshToken: signedIn.refreshToken });
    const traffic = async (n: number) => {
      const emails: string[] = [];
      const paths: string[] = [];
      for (let i = 0; i < n; i++) {
        const tag = randomBytes(6).toString('hex');
        emails.push(`m${tag}@d${tag}.example`);
        paths.push(i % 2 ? `/p${tag}` : `/v1/sessions/${tag}`);
        expect((await t.http.post('/v1/otp/request').send({ email: emails[i] })).status).toBe(202);
        expect((await t.http.get(paths[i])).status).toBeGreaterThanOrEqual(400);
      }
      await t.container.queue.drain();
      return { emails, paths };
    };
    await traffic(4); // every label combination this traffic can produce now exists
    const before = seriesOf((await t.http.get('/metrics')).text);

    const { emails, paths } = await traffic(200);
    const text = (await t.http.get('/metrics')).text;
    const after = seriesOf(text);

    const app = (lines: string[]) => lines.filter((l) => !DEFAULT_METRIC.test(l)).map((l) => l.split(' ')[0]);
    expect(app(after)).toEqual(app(before));
    expect(after.length - before.length).toBeLessThan(20);
    expect(t.mailer.sent.length).toBeGreaterThanOrEqual(200);
    for (const needle of [
      ...emails,
      ...paths.map((p) => p.slice(p.lastIndexOf('/') + 1)),
      signedIn.accessToken,
      signedIn.refreshToken,
      refreshed.body.refreshToken,
      signedIn.user.id,
      signedIn.session.id,
      '127.0.0.1',
      '::1',
      '@',
    ]) {
      expect(text.includes(needle) ? needle : undefined).toBeUndefined();
    }
  }, 120_000); // 400+ requests: generous on a loaded runner
});

describe('/metrics with METRICS_TOKEN=x', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: 'x' } });
  });
  afterAll(async () => t.close());

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer y'],
    ['a longer wrong token', 'Bearer xx'],
    ['the right token in another scheme', 'Basic x'],
  ])('when the request carries %s, then 401', async (_label, authorization) => {
    const req = t.http.get('/metrics');
    if (authorization) req.set('Authorization', authorization);

    const res = await req;

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.text).not.toContain('http_requests_total');
    expectMatchesOpenApi(res, 'GET', '/metrics');
  });

  it('when the token is given in the query string, then 401', async () => {
    const res = await t.http.get('/metrics?token=x&access_token=x');

    expect(res.status).toBe(401);
  });

  it('when the right bearer token is sent after a sign-in, then the dashboard counters are there', async () => {
    const signedIn = await t.signIn('metrics@example.com');
    await t.http.post('/v1/auth/refresh').send({ refreshToken: signedIn.refreshToken });

    const res = await t.http.get('/metrics').set('Authorization', 'Bearer x');

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/metrics');
    for (const name of [
      'otp_requests_total',
      'otp_verifications_total',
      'sessions_created_total',
      'http_requests_total',
      'http_request_duration_seconds',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    expect(res.text).toMatch(/^otp_requests_total\{outcome="queued"\} 1$/m);
    expect(res.text).toMatch(/^otp_verifications_total\{result="success"\} 1$/m);
    expect(res.text).toMatch(/^sessions_created_total 1$/m);
    expect(res.text).toMatch(
      /^http_requests_total\{method="POST",route="\/v1\/otp\/verify",status="200"\} 1$/m,
    );
    expect(res.text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/v1\/auth\/refresh"\} 1$/m,
    );
  });
});
