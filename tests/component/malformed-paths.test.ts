import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { startSentryStub } from '../helpers/sentry-stub';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * A path whose percent-encoding cannot be decoded, or a body the parser refuses in a way of its
 * own, is the client's mistake: a 4xx problem+json, a log line below error, nothing sent to
 * Sentry. Before, Express's URIError from decoding a route parameter answered 500, so anyone
 * could fill the error log, the error tracker and the 5xx alert without signing in.
 */

const KEY = 'malformed-paths-admin-key-0123456789';
const MALFORMED = ['%E0%A4%A', '%', '%ZZ', '%C0', 'a%2', '%FF%FE'];

describe('malformed paths and parser errors', () => {
  let t: TestApp;
  let sentry: Awaited<ReturnType<typeof startSentryStub>>;
  let accessToken: string;

  beforeAll(async () => {
    sentry = await startSentryStub();
    t = await createTestApp({ env: { SENTRY_DSN: sentry.url, ADMIN_API_KEYS: KEY } });
    accessToken = (await t.signIn('paths@example.com')).accessToken;
  });
  let closed = false;
  afterAll(async () => {
    if (!closed) await t.close();
    await sentry.close();
  });

  const expectQuietProblem = (
    res: { status: number; headers: Record<string, string>; text: string },
    status: number,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status, requestId: res.headers['x-request-id'] });
    expect(res.text).not.toMatch(/decode|URIError|at \S+ \(|node_modules/i);
  };

  // [what, method, path template (the malformed piece replaces X), document path, headers]
  const routes: Array<[string, 'get' | 'delete' | 'post', string, string, Record<string, string>]> = [
    ['a session, anonymous', 'delete', '/v1/sessions/X', '/v1/sessions/{id}', {}],
    ['a session, signed in', 'delete', '/v1/sessions/X', '/v1/sessions/{id}', { bearer: '1' }],
    ['an admin user', 'get', '/v1/admin/users/X', '/v1/admin/users/{id}', { 'x-api-key': KEY }],
    ['an admin user deletion', 'delete', '/v1/admin/users/X', '/v1/admin/users/{id}', { 'x-api-key': KEY }],
    [
      "an admin user's sessions",
      'post',
      '/v1/admin/users/X/revoke-sessions',
      '/v1/admin/users/{id}/revoke-sessions',
      { 'x-api-key': KEY },
    ],
    ['an admin IP rule', 'delete', '/v1/admin/ip-rules/X', '/v1/admin/ip-rules/{id}', { 'x-api-key': KEY }],
    [
      'an admin suppression',
      'delete',
      '/v1/admin/suppressions/X',
      '/v1/admin/suppressions/{email}',
      { 'x-api-key': KEY },
    ],
    [
      "an address's delivery report",
      'get',
      '/v1/admin/emails/X/messages',
      '/v1/admin/emails/{email}/messages',
      { 'x-api-key': KEY },
    ],
  ];

  it.each(routes)(
    'when a path parameter of %s is not decodable, then 404 not_found, never 500',
    async (_what, method, template, docPath, headers) => {
      for (const bad of MALFORMED) {
        const req = t.http[method](template.replace('X', bad));
        if (headers['x-api-key']) req.set('X-API-Key', headers['x-api-key']);
        if (headers.bearer) req.set('Authorization', `Bearer ${accessToken}`);
        const res = await req;

        expectQuietProblem(res, 404);
        expect(res.body.code).toBe('not_found');
        expectMatchesOpenApi(res, method, docPath);
      }
    },
  );

  it('when an admin path is not decodable and the key is missing, then 401 first (the key guards every path)', async () => {
    const res = await t.http.get('/v1/admin/users/%E0%A4%A');

    expectQuietProblem(res, 401);
    expect(res.body.code).toBe('unauthorized');
  });

  it.each([
    '/%E0%A4%A',
    '/v1/%ZZ',
    '/v1/webhooks/%E0%A4%A',
    '/v1/webhooks/sendgrid%',
    '/v1/otp/%C0',
    '/v1/users/%FF',
    '/health/%E0%A4%A',
    '/.well-known/%',
  ])('when an unknown path %s is not decodable, then 404 not_found', async (path) => {
    for (const method of ['get', 'post', 'delete'] as const) {
      const res = await t.http[method](path);

      expectQuietProblem(res, 404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it('when a query value is not decodable, then 400 invalid_request naming it (the validation refuses it)', async () => {
    const sessions = await t.http
      .get('/v1/sessions?cursor=%E0%A4%A')
      .set('Authorization', `Bearer ${accessToken}`);
    const users = await t.http.get('/v1/admin/users?cursor=%ZZ&limit=%FF').set('X-API-Key', KEY);

    expectQuietProblem(sessions, 400);
    expectMatchesOpenApi(sessions, 'get', '/v1/sessions');
    expect(sessions.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expectQuietProblem(users, 400);
    expectMatchesOpenApi(users, 'get', '/v1/admin/users');
  });

  it('when the docs are asked for an undecodable path, then the page or a 404, never 500', async () => {
    const res = await t.http.get('/docs/%E0%A4%A');

    expect(res.status).toBeLessThan(500);
  });

  it('then none of them was logged as an error nor sent to Sentry', async () => {
    const errors = t.logs.filter((l) => l.level === 'error');

    expect(errors).toEqual([]);
    expect(t.logs.some((l) => l.status === 404 && l.level === 'http')).toBe(true);
    closed = true;
    await t.close(); // flushes the reporter
    expect(sentry.envelopes).toEqual([]);
  });
});
