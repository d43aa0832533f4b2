import { once } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import type { Express } from 'express';
import { createTestApp, TEST_SECRET, type TestApp } from '../helpers/test-app';

/** SECURITY 52 (no secrets, no log injection) and 53 (auth events with UTC time and request id). */

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** A value as a standalone token, so a 6-digit code is not "found" inside a timestamp or a hash. */
const standalone = (value: string) =>
  new RegExp(`(?<![A-Za-z0-9])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`);

/**
 * Drives the Express app with a request whose User-Agent holds CR/LF. Node's HTTP parser refuses
 * such a header on the wire, so this stands for a lenient proxy or parser in front of us.
 */
async function injectWithUserAgent(app: Express, userAgent: string): Promise<number> {
  const socket = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
  const req = new IncomingMessage(socket as never);
  req.method = 'GET';
  req.url = '/health/live';
  req.headers = { host: 'localhost', 'user-agent': userAgent };
  req.push(null);
  const res = new ServerResponse(req);
  res.assignSocket(socket as never);
  const finished = once(res, 'finish');
  app(req as never, res as never);
  await finished;
  return res.statusCode;
}

describe('logs (PGlite, LOG_LEVEL=debug)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when a person signs in, refreshes and logs out, then no code, token, secret or full email is logged', async () => {
    const email = 'log-secrets@example.com';
    const code = await t.requestCode(email);
    const verified = await t.http.post('/v1/otp/verify').send({ email, code });
    const refreshed = await t.http
      .post('/v1/auth/refresh')
      .send({ refreshToken: verified.body.refreshToken });
    const logout = await t.http
      .post('/v1/auth/logout')
      .set('Authorization', `Bearer ${refreshed.body.accessToken}`);
    expect([verified.status, refreshed.status, logout.status]).toEqual([200, 200, 204]);
    const text = t.rawLogs.join('');

    const secrets = {
      code: standalone(code),
      verifyAccessToken: verified.body.accessToken,
      verifyRefreshToken: verified.body.refreshToken,
      refreshAccessToken: refreshed.body.accessToken,
      refreshRefreshToken: refreshed.body.refreshToken,
      sessionSecret: TEST_SECRET,
      email,
    };
    const hits = Object.entries(secrets).filter(([, s]) =>
      typeof s === 'string' ? text.includes(s) : s.test(text),
    );

    expect(t.rawLogs.length).toBeGreaterThan(3);
    expect(hits.map(([name]) => name)).toEqual([]);
  });

  it('when auth events happen, then each is logged with a UTC timestamp, the request id and no raw email', async () => {
    const email = 'log-events@example.com';
    const requested = await t.http.post('/v1/otp/request').send({ email });
    await t.container.queue.drain();
    const code = t.mailer.lastCode(email);
    const wrong = await t.http
      .post('/v1/otp/verify')
      .send({ email, code: code === '000000' ? '111111' : '000000' });
    const verified = await t.http.post('/v1/otp/verify').send({ email, code });
    const rt0 = verified.body.refreshToken as string;
    const rotated = await t.http.post('/v1/auth/refresh').send({ refreshToken: rt0 });
    t.clock.advance(61_000); // past the resend cooldown
    const second = await t.signIn(email);
    const deleted = await t.http
      .delete(`/v1/sessions/${second.session.id}`)
      .set('Authorization', `Bearer ${rotated.body.accessToken}`);
    t.clock.advance(11_000);
    const reused = await t.http.post('/v1/auth/refresh').send({ refreshToken: rt0 });
    const third = await t.signIn('log-events-logout@example.com');
    const logout = await t.http.post('/v1/auth/logout').set('Authorization', `Bearer ${third.accessToken}`);
    expect([
      requested.status,
      wrong.status,
      verified.status,
      deleted.status,
      reused.status,
      logout.status,
    ]).toEqual([202, 401, 200, 204, 401, 204]);

    const expected: Array<[string, string]> = [
      ['otp.requested', requested.headers['x-request-id']],
      // The mail worker's line carries the id of the request that queued the job.
      ['email.sent', requested.headers['x-request-id']],
      ['otp.verify.failed', wrong.headers['x-request-id']],
      ['otp.verify.succeeded', verified.headers['x-request-id']],
      ['session.revoked', deleted.headers['x-request-id']],
      ['auth.refresh.reused', reused.headers['x-request-id']],
      ['session.revoked', logout.headers['x-request-id']],
    ];
    for (const [event, requestId] of expected) {
      const entry = t.logs.find((l) => l.event === event && l.requestId === requestId);
      expect({ event, logged: entry !== undefined }).toEqual({ event, logged: true });
      expect(entry?.timestamp).toMatch(ISO_UTC);
      expect(JSON.stringify(entry)).not.toContain(email);
    }
    const hashed = t.logs.filter(
      (l) => l.event === 'otp.requested' || String(l.event).startsWith('otp.verify'),
    );
    for (const entry of hashed) expect(entry.emailHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('when a User-Agent carries CR/LF, then every log entry is still exactly one JSON line', async () => {
    const forged = 'agent\r\n{"level":"error","message":"forged","event":"admin.granted"}\r\nX: y';
    const before = t.rawLogs.length;

    const status = await injectWithUserAgent(t.app, forged);

    expect(status).toBe(200);
    const written = t.rawLogs.slice(before);
    expect(written.length).toBeGreaterThan(0);
    for (const line of written) {
      expect(line.replace(/\n$/, '')).not.toMatch(/[\r\n]/);
      expect(() => JSON.parse(line)).not.toThrow();
    }
    const request = written.map((l) => JSON.parse(l)).find((l) => l.message === 'request');
    expect(request?.userAgent).toBe(forged);
    expect(t.logs.some((l) => l.event === 'admin.granted')).toBe(false);
  });
});
