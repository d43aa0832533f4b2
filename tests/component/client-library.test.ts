import { createOtpClient, OtpApiError, type AuthState } from '../../client';
import { REFRESH_TOKEN_KEY } from '../../client/client';
import { memoryStorage } from '../../client/storage';
import { serveTestApp, type ServedApp } from '../helpers/client-server';

/**
 * The browser library (client/) in Node 20, with the global fetch, against the real app on a
 * port: header mode's sign-in, account calls, refresh and sign-out, and its typed errors.
 */
describe('client library, header mode', () => {
  let s: ServedApp;
  beforeAll(async () => {
    s = await serveTestApp();
  });
  afterAll(async () => s.close());

  it('when a person signs in with the emailed code, then me, sessions, refresh and logout work, and logout revokes the session', async () => {
    const storage = memoryStorage();
    const written: string[] = [];
    const recorded = {
      ...storage,
      setItem(key: string, value: string) {
        written.push(value);
        return storage.setItem(key, value);
      },
    };
    const client = createOtpClient({ baseUrl: `${s.baseUrl}/`, storage: recorded, now: s.now });
    const states: AuthState[] = [];
    client.onChange((state) => states.push(state));

    await client.requestCode('Ada@Example.com', { locale: 'en' });
    const signIn = await client.verify('ada@example.com', await s.codeFor('ada@example.com'));

    expect(signIn).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: 'ada@example.com' } });
    expect(signIn).not.toHaveProperty('refreshToken');
    expect(client.getState()).toMatchObject({ signedIn: true, sessionId: signIn.session.id });
    const firstRefreshToken = await storage.getItem(REFRESH_TOKEN_KEY);
    expect(firstRefreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(await client.me()).toMatchObject({ id: signIn.user.id, email: 'ada@example.com' });
    const sessions = await client.listSessions({ limit: 10 });
    expect(sessions.data).toEqual([expect.objectContaining({ id: signIn.session.id, current: true })]);

    const before = await client.getAccessToken();
    const refreshed = await client.refresh();
    const after = await client.getAccessToken();

    expect(refreshed).toMatchObject({ signedIn: true, sessionId: signIn.session.id });
    expect(after).not.toBe(before);
    expect(await storage.getItem(REFRESH_TOKEN_KEY)).not.toBe(firstRefreshToken);
    expect(await client.me()).toMatchObject({ id: signIn.user.id });

    // The access token lives in memory only: storage holds the refresh token and the session id.
    expect(written).not.toContain(before);
    expect(written).not.toContain(after);
    expect(written).toContain(signIn.session.id);

    await client.logout();

    expect(client.getState()).toEqual({ signedIn: false, user: null, sessionId: null, expiresAt: null });
    expect(await storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(await client.getAccessToken()).toBeNull();
    await expect(client.me()).rejects.toMatchObject({ status: 401, code: 'not_signed_in' });
    const server = await s.t.http.get('/v1/users/me').set('Authorization', `Bearer ${after}`);
    expect(server.status).toBe(401);
    expect(states.map((x) => x.signedIn)).toEqual([true, true, false]);
    client.close();
  });

  it('when a step-up code is wrong, then 401 invalid_code after one request (never retried), the right one renews the token, and revoking its own session signs out', async () => {
    const counter = s.countingFetch();
    const client = createOtpClient({ baseUrl: s.baseUrl, now: s.now, fetch: counter.fetch });
    await client.requestCode('stepup@example.com');
    const { accessToken } = await client.verify('stepup@example.com', await s.codeFor('stepup@example.com'));
    s.t.clock.advance(s.t.container.config.otp.resendCooldownSeconds * 1000 + 1000);
    await client.requestStepUpCode();
    const code = await s.codeFor('stepup@example.com');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    const error = await client.stepUp({ emailCode: wrong }).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 401, code: 'invalid_code' });
    expect(counter.count('/v1/auth/step-up')).toBe(1);
    expect(counter.count('/v1/auth/refresh')).toBe(0);
    const stepped = await client.stepUp({ emailCode: code });
    expect(stepped.accessToken).not.toBe(accessToken);
    expect(await client.getAccessToken()).toBe(stepped.accessToken);

    await client.revokeSession(stepped.session.id);

    expect(client.getState().signedIn).toBe(false);
    expect(await client.getAccessToken()).toBeNull();
  });

  it('when the code is wrong, then an OtpApiError 401 invalid_code from the problem body, and the client stays signed out', async () => {
    const client = createOtpClient({ baseUrl: s.baseUrl, now: s.now });
    await client.requestCode('wrong@example.com');
    const code = await s.codeFor('wrong@example.com');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    const error = await client.verify('wrong@example.com', wrong).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OtpApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'OtpApiError',
      status: 401,
      code: 'invalid_code',
      title: expect.any(String),
      requestId: expect.any(String),
    });
    expect(client.getState().signedIn).toBe(false);
  });

  it('when a second code is asked for inside the cooldown, then 429 rate_limited with retryAfter in seconds from Retry-After', async () => {
    const client = createOtpClient({ baseUrl: s.baseUrl, now: s.now });
    await client.requestCode('eager@example.com');

    const error = (await client.requestCode('eager@example.com').catch((e: unknown) => e)) as OtpApiError;

    expect(error).toBeInstanceOf(OtpApiError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.retryAfter).toBeLessThanOrEqual(s.t.container.config.otp.resendCooldownSeconds);
  });

  it('when the request is malformed, then 400 invalid_request with the field problems', async () => {
    const client = createOtpClient({ baseUrl: s.baseUrl });

    const error = (await client.requestCode('not an address').catch((e: unknown) => e)) as OtpApiError;

    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.errors).toEqual([expect.objectContaining({ field: 'email' })]);
  });

  it('when the service cannot be reached, then an OtpApiError network_error with status 0', async () => {
    const client = createOtpClient({ baseUrl: 'http://127.0.0.1:9' });

    await expect(client.requestCode('a@example.com')).rejects.toMatchObject({
      status: 0,
      code: 'network_error',
    });
  });
});
