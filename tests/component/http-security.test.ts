import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectSecurityHeaders, UUID } from './http-security-fixtures';

/**
 * SECURITY 35, 38, 39, 54 under default settings: headers on every answer, request ids, CORS
 * allowlist, verbs. Production settings (no stacks) and gzip: http-security-production.test.ts.
 */

describe('HTTP security (default settings)', () => {
  let t: TestApp;
  let accessToken: string;
  beforeAll(async () => {
    t = await createTestApp();
    accessToken = (await t.signIn('headers@example.com')).accessToken;
  });
  afterAll(async () => t.close());

  it.each<[number, string, (t: TestApp) => Promise<Response>]>([
    [
      200,
      'GET /v1/users/me',
      (t) => t.http.get('/v1/users/me').set('Authorization', `Bearer ${accessToken}`),
    ],
    [202, 'POST /v1/otp/request', (t) => t.http.post('/v1/otp/request').send({ email: 'h202@example.com' })],
    [400, 'malformed JSON', (t) => t.http.post('/v1/otp/request').type('json').send('{')],
    [401, 'GET /v1/users/me without a token', (t) => t.http.get('/v1/users/me')],
    [
      401,
      'a wrong code',
      (t) => t.http.post('/v1/otp/verify').send({ email: 'h401@example.com', code: '123456' }),
    ],
    [404, 'an unknown path', (t) => t.http.get('/v1/nothing-here')],
    [405, 'PUT /v1/otp/request', (t) => t.http.put('/v1/otp/request').send({ email: 'h405@example.com' })],
    [
      413,
      'a 9 KiB body',
      (t) => t.http.post('/v1/otp/request').send({ email: 'x@example.com', pad: 'p'.repeat(9216) }),
    ],
    [415, 'a text/plain body', (t) => t.http.post('/v1/otp/request').type('text').send('hello')],
    [
      429,
      'a second code within the cooldown',
      async (t) => {
        await t.http.post('/v1/otp/request').send({ email: 'h429@example.com' });
        return t.http.post('/v1/otp/request').send({ email: 'h429@example.com' });
      },
    ],
  ])('when the answer is %i (%s), then every security header is set', async (status, _, make) => {
    const res = await make(t);

    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
  });

  it('when a well-formed X-Request-Id comes in, then it is echoed in the header, the body and the logs', async () => {
    const id = 'client-req_42.A';

    const res = await t.http.get('/v1/nothing-here').set('X-Request-Id', id);

    expect(res.headers['x-request-id']).toBe(id);
    expect(res.body.requestId).toBe(id);
    expect(t.logs).toContainEqual(
      expect.objectContaining({ message: 'request', requestId: id, status: 404 }),
    );
  });

  it.each([
    ['200 characters', 'a'.repeat(200)],
    ['encoded CR/LF', 'abc%0d%0aSet-Cookie: x=1'],
    ['markup', '<script>alert(1)</script>'],
    ['a path', '../../etc/passwd'],
    ['a tab', 'abc\tdef'],
  ])('when the incoming X-Request-Id has %s, then a fresh one replaces it', async (_, id) => {
    const res = await t.http.get('/v1/nothing-here').set('X-Request-Id', id);

    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).not.toContain(id);
  });

  it('when an X-Request-Id carries a raw line break, then no header is injected into the answer', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            'GET /v1/nothing-here HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\rSet-Cookie: injected=1\r\nConnection: close\r\n\r\n',
          );
        });
        let text = '';
        socket.on('data', (c) => (text += c.toString('latin1')));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });

      const [head] = raw.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(head).not.toMatch(/injected/i);
      expect(head).not.toMatch(/x-request-id: abc/i);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('when the listed default origin calls, then it is echoed with Vary: Origin, and a preflight is answered with credentials allowed', async () => {
    const origin = 'http://localhost:3000';
    expect(t.container.config.corsOrigins).toEqual([origin]);

    const simple = await t.http
      .post('/v1/otp/request')
      .set('Origin', origin)
      .send({ email: 'cors@example.com' });
    const preflight = await t.http
      .options('/v1/otp/verify')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');

    expect(simple.headers['access-control-allow-origin']).toBe(origin);
    expect(simple.headers['vary']).toMatch(/\bOrigin\b/);
    expect(simple.headers['access-control-expose-headers']).toMatch(/Retry-After/);
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/\bPOST\b/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Content-Type/i);
    // Cookie mode's fetches send credentials: allowed for a listed origin only (the next test).
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
  });

  it.each([
    'https://evil.test',
    'null',
    'http://localhost:3000.evil.test',
    'http://evillocalhost:3000',
    'http://localhost:3001',
    'https://localhost:3000',
    'http://localhost:3000/',
  ])('when the unlisted origin %s calls, then no Access-Control-Allow-Origin is sent', async (origin) => {
    const simple = await t.http
      .post('/v1/otp/request')
      .set('Origin', origin)
      .send({ email: 'x@example.com' });
    const preflight = await t.http
      .options('/v1/otp/request')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST');

    for (const res of [simple, preflight]) {
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it.each(['TRACE', 'PUT', 'DELETE', 'PATCH'])(
    'when %s is sent to /v1/otp/request, then 405 with Allow: POST and nothing echoed',
    async (method) => {
      const canary = 'echo-canary-7f3a';

      const res = await t.http[method.toLowerCase() as 'put'](`/v1/otp/request`)
        .set('X-Canary', canary)
        .set('Cookie', `c=${canary}`)
        .send(method === 'TRACE' ? undefined : { email: `${canary}@example.com` });

      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe('POST');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('method_not_allowed');
      expect(res.text).not.toContain(canary);
      expect(JSON.stringify(res.headers)).not.toContain(canary);
      expectSecurityHeaders(res);
    },
  );

  it('when an unknown path is asked for, then 404 problem+json not_found', async () => {
    const res = await t.http.post('/v1/otp/unknown').send({ email: 'x@example.com' });

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
  });
});
