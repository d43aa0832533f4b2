import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import { createTestPglite } from '../helpers/pglite';
import type { SqlClient } from '../../src/platform/sql/sql-client';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * SECURITY 17, 40–46: every malformed, mistyped, injected or oversized body is a clear 4xx
 * problem+json (never a 500), tells nothing about the parser or the database, and changes nothing.
 */

const VICTIM = 'victim@example.com';
const LEAKS =
  /\bat \S+ \(|node_modules|\/src\/|\.ts:\d|SELECT|INSERT|pg_sleep|OR 1=1|Unexpected token|in JSON|stack/i;

function expectCleanProblem(
  res: { status: number; headers: Record<string, string>; text: string },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, requestId: res.headers['x-request-id'] });
  expect(res.text).not.toMatch(LEAKS);
}

describe('bad input', () => {
  let t: TestApp;
  let db: SqlClient;
  let accessToken: string;

  /** Everything a bad request must leave as it was. */
  const snapshot = async () => {
    await t.container.queue.drain();
    const [otps] = await db.query<{ n: number; attempts: number }>(
      'SELECT count(*)::int AS n, coalesce(sum(attempts), 0)::int AS attempts FROM otps',
    );
    return {
      users: await t.container.store.users.count(),
      sessions: await t.container.store.sessions.count({}),
      otps,
      sent: t.mailer.sent.length,
    };
  };

  beforeAll(async () => {
    db = await createTestPglite();
    t = await createTestApp({ overrides: { store: createSqlStore(db) } });
    accessToken = (await t.signIn('reader@example.com')).accessToken;
    // A live code: an injected "code" that matched anything would sign the victim in.
    await t.requestCode(VICTIM);
  });
  afterAll(async () => t.close());

  const REQUEST = '/v1/otp/request';
  const VERIFY = '/v1/otp/verify';
  const REFRESH = '/v1/auth/refresh';
  const verifyBody = (code: unknown) => JSON.stringify({ email: VICTIM, code });

  it.each<[string, string, string, number, string]>([
    ['malformed JSON', REQUEST, "{email: 'a@example.com'}", 400, 'invalid_json'],
    ['truncated JSON', REQUEST, '{"email":"a@exa', 400, 'invalid_json'],
    ['JSON after a byte order mark', REQUEST, '\uFEFF{"email":"bom@example.com"}', 400, 'invalid_json'],
    ['a bare JSON string', REQUEST, '"a@example.com"', 400, 'invalid_json'],
    ['an empty JSON body', REQUEST, '', 400, 'invalid_request'],
    ['a JSON array', REQUEST, '[{"email":"array@example.com"}]', 400, 'invalid_request'],
    ['a batch of codes', VERIFY, verifyBody(['000000', '000001']), 400, 'invalid_request'],
    ['$gt in the email', REQUEST, '{"email":{"$gt":""}}', 400, 'invalid_request'],
    ['$ne as the code', VERIFY, verifyBody({ $ne: 'x' }), 400, 'invalid_request'],
    ['$regex as the code', VERIFY, verifyBody({ $regex: '.*' }), 400, 'invalid_request'],
    ['a $where clause', VERIFY, '{"$where":"1"}', 400, 'invalid_request'],
    ['a number as the email', REQUEST, '{"email":12345}', 400, 'invalid_request'],
    ['true as the email', REQUEST, '{"email":true}', 400, 'invalid_request'],
    ['null as the email', REQUEST, '{"email":null}', 400, 'invalid_request'],
    ['a number as the code', VERIFY, verifyBody(123456), 400, 'invalid_request'],
    ['false as the code', VERIFY, verifyBody(false), 400, 'invalid_request'],
    ['null as the code', VERIFY, verifyBody(null), 400, 'invalid_request'],
    ['a code with a sign', VERIFY, verifyBody('+12345'), 400, 'invalid_request'],
    ['an unknown field', REQUEST, '{"email":"extra@example.com","isAdmin":true}', 400, 'invalid_request'],
    [
      'a constructor.prototype key',
      REQUEST,
      '{"email":"c@example.com","constructor":{"prototype":{"x":1}}}',
      400,
      'invalid_request',
    ],
    ['SQL in the email', REQUEST, '{"email":"a@b.c\' OR 1=1--"}', 400, 'invalid_request'],
    [
      'SQL in the verify email',
      VERIFY,
      '{"email":"\'||pg_sleep(5)--","code":"123456"}',
      400,
      'invalid_request',
    ],
    ['SQL in the code', VERIFY, verifyBody("'||pg_sleep(5)--"), 400, 'invalid_request'],
    ['SQL in the refresh token', REFRESH, '{"refreshToken":"\'||pg_sleep(5)--"}', 400, 'invalid_request'],
    ['an OR in the refresh token', REFRESH, '{"refreshToken":"a@b.c\' OR 1=1--"}', 400, 'invalid_request'],
  ])(
    'when the request carries %s, then a fast, clean 4xx and nothing changes',
    async (_, path, raw, status, code) => {
      const before = await snapshot();
      const started = Date.now();

      const res = await t.http.post(path).set('Content-Type', 'application/json').send(raw);

      expect(Date.now() - started).toBeLessThan(3_000);
      expectCleanProblem(res, status, code);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('when a POST carries no body and no Content-Type, then 400 invalid_request, not a 500', async () => {
    const before = await snapshot();

    const res = await t.http.post(REQUEST);

    expectCleanProblem(res, 400, 'invalid_request');
    expect(res.body.errors).toEqual([{ field: 'email', message: 'email is required' }]);
    expect(await snapshot()).toEqual(before);
  });

  it('when the body carries __proto__, then the key is dropped, nothing is polluted and later requests behave', async () => {
    const polluted = await t.http
      .post(REQUEST)
      .set('Content-Type', 'application/json')
      .send('{"email":"proto@example.com","__proto__":{"isAdmin":true,"email":"x@evil.test"}}');
    const alone = await t.http
      .post(REQUEST)
      .set('Content-Type', 'application/json')
      .send('{"__proto__":{"email":"x@evil.test"}}');
    const later = await t.http.post(REQUEST).send({ email: 'after-proto@example.com' });
    await t.container.queue.drain();

    expect(polluted.status).toBe(202);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).email).toBeUndefined();
    expectCleanProblem(alone, 400, 'invalid_request');
    expect(later.status).toBe(202);
    expect(t.mailer.to('x@evil.test')).toHaveLength(0);
    expect(t.mailer.to('proto@example.com')).toHaveLength(1);
    expect(t.mailer.to('after-proto@example.com')).toHaveLength(1);
  });

  it('when an address with SQL quote characters is valid, then it is stored as plain data', async () => {
    const email = "o'hara'--@example.com";

    const requested = await t.http.post(REQUEST).send({ email });
    const verified = await t.http.post(VERIFY).send({ email, code: '000000' });

    expect(requested.status).toBe(202);
    expectCleanProblem(verified, 401, 'invalid_code');
    const rows = await db.query<{ email: string }>(
      'SELECT email FROM otps WHERE email_domain = $1 AND email LIKE $2',
      ['example.com', 'o%hara%'],
    );
    expect(rows).toEqual([{ email }]);
  });

  it('when the body is over 8 KiB, then 413 payload_too_large', async () => {
    const before = await snapshot();
    const raw = JSON.stringify({ email: 'big@example.com', pad: 'x'.repeat(9 * 1024) });

    const res = await t.http.post(REQUEST).set('Content-Type', 'application/json').send(raw);

    expectCleanProblem(res, 413, 'payload_too_large');
    expect(await snapshot()).toEqual(before);
  });

  it('when an oversized body is chunked with no Content-Length, then 413 all the same', async () => {
    const before = await snapshot();
    const server: Server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await new Promise<{ status: number; headers: Record<string, string>; text: string }>(
        (resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: REQUEST,
              headers: { 'Content-Type': 'application/json' },
            },
            (r) => {
              let text = '';
              r.setEncoding('utf8');
              r.on('data', (c: string) => (text += c));
              r.on('end', () =>
                resolve({ status: r.statusCode ?? 0, headers: r.headers as Record<string, string>, text }),
              );
            },
          );
          req.on('error', reject);
          req.write('{"email":"chunked@example.com","pad":"');
          for (let i = 0; i < 12; i++) req.write('y'.repeat(1024));
          req.end('"}');
          expect(req.getHeader('content-length')).toBeUndefined();
        },
      );

      expectCleanProblem(res, 413, 'payload_too_large');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await snapshot()).toEqual(before);
  });

  it.each<[string, Record<string, string>, string | Buffer]>([
    ['a text/plain body', { 'Content-Type': 'text/plain' }, '{"email":"plain@example.com"}'],
    ['a form post', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'email=form%40example.com'],
    [
      'a JSON type with another charset',
      { 'Content-Type': 'application/json; charset=latin1' },
      '{"email":"latin@example.com"}',
    ],
    [
      'a gzip-encoded body',
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      gzipSync('{"email":"gzip@example.com"}'),
    ],
  ])('when the request carries %s, then 415 unsupported_media_type', async (_, headers, body) => {
    const before = await snapshot();

    const res: Response = await t.http.post(REQUEST).set(headers).send(body);

    expectCleanProblem(res, 415, 'unsupported_media_type');
    expect(await snapshot()).toEqual(before);
  });

  it('when operators or duplicates come in the query string, then they are not parsed into objects', async () => {
    const before = await snapshot();
    const auth = { Authorization: `Bearer ${accessToken}` };

    const request = await t.http.post(`${REQUEST}?email[$gt]=`);
    const bracketed = await t.http.get('/v1/sessions?limit[$gt]=0').set(auth);
    const duplicated = await t.http.get('/v1/sessions?limit=1&limit=2').set(auth);

    expectCleanProblem(request, 400, 'invalid_request');
    // `limit[$gt]` stays a flat key, and an unknown one: refused by name, never read as `limit`.
    expectCleanProblem(bracketed, 400, 'invalid_request');
    expect(bracketed.body.errors).toEqual([expect.objectContaining({ field: 'limit[$gt]' })]);
    expectCleanProblem(duplicated, 400, 'invalid_request');
    expect(await snapshot()).toEqual(before);
  });
});
