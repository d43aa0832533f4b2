import { createOtpClient, type OtpClient } from '../../client';
import { memoryStorage } from '../../client/storage';
import { serveTestApp, type ServedApp } from '../helpers/client-server';
import { channelNamed, tinyLocks, waitUntil } from '../helpers/tabs';

/**
 * The library's token upkeep against the real app: it refreshes ahead of expiry, once per
 * client however many callers ask, and two "tabs" sharing a lock and a BroadcastChannel do
 * one refresh between them.
 */

describe('client library, tokens', () => {
  let s: ServedApp;
  const clients: OtpClient[] = [];
  let n = 0;
  /** A fresh address each time (each gets its own resend cooldown). */
  const signIn = async (client: OtpClient) => {
    const email = `tokens-${++n}@example.com`;
    await client.requestCode(email);
    return client.verify(email, await s.codeFor(email));
  };
  beforeAll(async () => {
    s = await serveTestApp();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => s.close());

  it('when the access token nears expiry, then getAccessToken refreshes once, refreshAheadSeconds before, however many ask', async () => {
    const counter = s.countingFetch();
    const client = createOtpClient({
      baseUrl: s.baseUrl,
      now: s.now,
      fetch: counter.fetch,
      refreshAheadSeconds: 60,
    });
    clients.push(client);
    const { accessToken, expiresIn } = await signIn(client);

    s.t.clock.advance((expiresIn - 61) * 1000);
    expect(await client.getAccessToken()).toBe(accessToken);
    expect(counter.count('/v1/auth/refresh')).toBe(0);

    s.t.clock.advance(2000);
    const tokens = await Promise.all([client.getAccessToken(), client.getAccessToken(), client.me()]);

    expect(counter.count('/v1/auth/refresh')).toBe(1);
    expect(tokens[0]).not.toBe(accessToken);
    expect(tokens[1]).toBe(tokens[0]);
    expect(client.getState().expiresAt).toBe(s.now() + expiresIn * 1000);
    expect(await client.getAccessToken()).toBe(tokens[0]);
    expect(counter.count('/v1/auth/refresh')).toBe(1);
  });

  it('when two tabs sharing storage, a lock and a channel need a token at once, then one refresh serves both', async () => {
    const counter = s.countingFetch();
    const storage = memoryStorage();
    const locks = tinyLocks();
    const name = `otp-login-test-${Date.now()}`;
    const tab = () =>
      createOtpClient({
        baseUrl: s.baseUrl,
        now: s.now,
        fetch: counter.fetch,
        storage,
        locks,
        channel: channelNamed(name),
      });
    const a = tab();
    const b = tab();
    clients.push(a, b);
    const { expiresIn, session } = await signIn(a);
    // b learns of a's sign-in from the channel.
    await waitUntil(() => b.getState().signedIn);
    expect(b.getState().sessionId).toBe(session.id);

    s.t.clock.advance(expiresIn * 1000);
    const [fromA, fromB] = await Promise.all([a.getAccessToken(), b.getAccessToken()]);

    expect(counter.count('/v1/auth/refresh')).toBe(1);
    expect(fromA).toEqual(expect.any(String));
    expect(fromB).toBe(fromA);
    expect(await b.me()).toMatchObject({ id: expect.any(String) });

    await a.logout();
    await waitUntil(() => !b.getState().signedIn);
    expect(await b.getAccessToken()).toBeNull();
  });

  it('when two tabs hold different sessions (storage of their own), then one tab ignores the other one’s tokens', async () => {
    const name = `otp-login-test-other-${Date.now()}`;
    const tab = () =>
      createOtpClient({ baseUrl: s.baseUrl, now: s.now, locks: tinyLocks(), channel: channelNamed(name) });
    const a = tab();
    const b = tab();
    clients.push(a, b);
    const first = await signIn(a);
    const second = await signIn(b);

    await a.refresh();
    await a.logout();
    await new Promise((r) => setTimeout(r, 50));

    expect(b.getState()).toMatchObject({ signedIn: true, sessionId: second.session.id });
    expect(second.session.id).not.toBe(first.session.id);
    expect(await b.me()).toMatchObject({ id: second.user.id });
  });
});
