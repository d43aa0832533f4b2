import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, jwtVerify, SignJWT } from 'jose';
import { deriveKey, ed25519FromSeed } from '../../src/platform/secrets';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, TEST_SECRET, type TestApp } from '../helpers/test-app';

/** SECURITY 31 (time claims, 60 s leeway, lifetime ≤15 min) and JWT_PRIVATE_KEYS rotation. */

const me = (t: TestApp, token: string) => t.http.get('/v1/users/me').set('Authorization', `Bearer ${token}`);

describe('access-token lifetime (PGlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when a token is issued, then it is an EdDSA at+jwt with a kid living at most 15 minutes', async () => {
    const signedIn = await t.signIn('lifetime@example.com');

    const header = decodeProtectedHeader(signedIn.accessToken);
    const claims = decodeJwt(signedIn.accessToken);

    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(typeof header.kid).toBe('string');
    expect(claims).toMatchObject({ iss: 'otp-login-api', aud: 'otp-login-api', sub: signedIn.user.id });
    expect(claims.sid).toBe(signedIn.session.id);
    expect(typeof claims.jti).toBe('string');
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(900);
    expect((claims.exp as number) - (claims.iat as number)).toBe(
      (signedIn as unknown as { expiresIn: number }).expiresIn,
    );
  });

  it('when the clock is 30 s past exp, then the token is accepted; at 61 s past, then 401', async () => {
    const signedIn = await t.signIn('leeway@example.com');
    const exp = decodeJwt(signedIn.accessToken).exp as number;
    t.clock.set(new Date((exp + 30) * 1000));

    const within = await me(t, signedIn.accessToken);
    t.clock.set(new Date((exp + 61) * 1000));
    const beyond = await me(t, signedIn.accessToken);

    expect(within.status).toBe(200);
    expect(beyond.status).toBe(401);
    expect(beyond.headers['www-authenticate']).toMatch(/^Bearer/);
    expectMatchesOpenApi(beyond, 'GET', '/v1/users/me');
  });

  it('when a token signed with our key has exp 30 s or 61 s in the past, then only the first passes', async () => {
    const signedIn = await t.signIn('leeway-forged@example.com');
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const kid = decodeProtectedHeader(signedIn.accessToken).kid as string;
    const key = ed25519FromSeed(deriveKey(TEST_SECRET, 'jwt-ed25519'));
    const token = (exp: number) =>
      new SignJWT({ sid: signedIn.session.id, jti: `j-${exp}` })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
        .setIssuer('otp-login-api')
        .setAudience('otp-login-api')
        .setSubject(signedIn.user.id)
        .setIssuedAt(exp - 900)
        .setExpirationTime(exp)
        .sign(key);

    const recent = await me(t, await token(now - 30));
    const stale = await me(t, await token(now - 61));

    expect(recent.status).toBe(200);
    expect(stale.status).toBe(401);
  });
});

describe('signing keys from JWT_PRIVATE_KEYS (rotation)', () => {
  const newest = generateKeyPairSync('ed25519');
  const previous = generateKeyPairSync('ed25519');
  const pem = (k: typeof newest) => k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { JWT_PRIVATE_KEYS: `${pem(newest)}\n${pem(previous)}` } });
  });
  afterAll(async () => t.close());

  async function kidOf(k: typeof newest): Promise<string> {
    const { x } = await exportJWK(k.publicKey);
    const jwks = await t.http.get('/.well-known/jwks.json');
    const entry = (jwks.body.keys as Array<{ x: string; kid: string }>).find((key) => key.x === x);
    if (!entry) throw new Error('key not published');
    return entry.kid;
  }

  it('when two keys are configured, then the JWKS lists both and the newest signs', async () => {
    const jwks = await t.http.get('/.well-known/jwks.json');
    const signedIn = await t.signIn('rotation@example.com');

    expect(jwks.body.keys).toHaveLength(2);
    expectMatchesOpenApi(jwks, 'GET', '/.well-known/jwks.json');
    const newestKid = await kidOf(newest);
    expect(await kidOf(previous)).not.toBe(newestKid);
    expect(decodeProtectedHeader(signedIn.accessToken).kid).toBe(newestKid);
    await expect(
      jwtVerify(signedIn.accessToken, newest.publicKey, {
        issuer: 'otp-login-api',
        audience: 'otp-login-api',
      }),
    ).resolves.toBeDefined();
  });

  it('when a token is signed by the previous key, then it is still accepted, but not under the wrong kid', async () => {
    const signedIn = await t.signIn('rotation-old@example.com');
    const token = async (kid: string, key = previous.privateKey) =>
      new SignJWT({ sid: signedIn.session.id, jti: `old-${kid}` })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
        .setIssuer('otp-login-api')
        .setAudience('otp-login-api')
        .setSubject(signedIn.user.id)
        .setIssuedAt(Math.floor(t.clock.now().getTime() / 1000))
        .setExpirationTime(Math.floor(t.clock.now().getTime() / 1000) + 900)
        .sign(key);

    const byPrevious = await me(t, await token(await kidOf(previous)));
    const underNewestKid = await me(t, await token(await kidOf(newest)));
    const derived = ed25519FromSeed(deriveKey(TEST_SECRET, 'jwt-ed25519'));
    const bySecretKey = await me(t, await token(await kidOf(previous), derived));

    expect(byPrevious.status).toBe(200);
    expect(underNewestKid.status).toBe(401);
    expect(bySecretKey.status).toBe(401);
  });
});
