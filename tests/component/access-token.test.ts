import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { exportJWK, exportSPKI, importJWK, SignJWT, type JWK, type JWTHeaderParameters } from 'jose';
import type { Response } from 'supertest';
import { deriveKey, ed25519FromSeed } from '../../src/platform/secrets';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, TEST_SECRET, type TestApp } from '../helpers/test-app';

/** SECURITY 28–30, 32–34: forged, tampered and misplaced access tokens are all a plain 401. */

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ourKey = ed25519FromSeed(deriveKey(TEST_SECRET, 'jwt-ed25519'));
const attacker = generateKeyPairSync('ed25519');

let t: TestApp;
let kid: string;
let claims: Record<string, unknown>;

/** Valid claims for a live session, as our own signer would write them. */
function validClaims(): Record<string, unknown> {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  return { ...claims, iat: now, exp: now + 900, jti: `jti-${now}-${Math.random()}` };
}

async function sign(
  payload: Record<string, unknown>,
  header: Partial<JWTHeaderParameters> = {},
  key: KeyObject = ourKey,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt', ...header } as JWTHeaderParameters)
    .sign(key);
}

const me = (token: string) => t.http.get('/v1/users/me').set('Authorization', `Bearer ${token}`);

function expectRefused(res: Response): void {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  expect(['invalid_token', 'unauthorized']).toContain(res.body.code);
  expectMatchesOpenApi(res, 'GET', '/v1/users/me');
}

beforeAll(async () => {
  t = await createTestApp();
  const signedIn = await t.signIn('forger-target@example.com');
  const jwks = await t.http.get('/.well-known/jwks.json');
  kid = jwks.body.keys[0].kid;
  claims = { iss: 'otp-login-api', aud: 'otp-login-api', sub: signedIn.user.id, sid: signedIn.session.id };
});
afterAll(async () => t.close());

describe('access-token forgeries', () => {
  it('when a token is signed with our key and valid claims, then it is accepted (the forger works)', async () => {
    const res = await me(await sign(validClaims()));

    expect(res.status).toBe(200);
    expect(res.body.id).toBe(claims.sub);
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'when alg is %s with an empty signature, then 401',
    async (alg) => {
      const token = `${b64({ alg, kid, typ: 'at+jwt' })}.${b64(validClaims())}.`;

      expectRefused(await me(token));
    },
  );

  it('when an HS256 token is signed with our public key PEM as the HMAC secret, then 401', async () => {
    const jwks = await t.http.get('/.well-known/jwks.json');
    const publicKey = (await importJWK(jwks.body.keys[0] as JWK, 'EdDSA')) as KeyObject;
    const pem = await exportSPKI(publicKey);
    const input = `${b64({ alg: 'HS256', kid, typ: 'at+jwt' })}.${b64(validClaims())}`;

    for (const secret of [pem, pem.trim(), jwks.body.keys[0].x as string]) {
      const signature = createHmac('sha256', secret).update(input).digest('base64url');
      expectRefused(await me(`${input}.${signature}`));
    }
  });

  it('when a valid EdDSA token is signed by another Ed25519 key under our kid, then 401', async () => {
    expectRefused(await me(await sign(validClaims(), {}, attacker.privateKey)));
  });

  it('when the payload of a real token is changed, then 401', async () => {
    const real = await sign(validClaims());
    const [header, , signature] = real.split('.');
    const other = await t.signIn('forger-other@example.com');
    const tampered = b64({ ...validClaims(), sub: other.user.id, sid: other.session.id });

    expectRefused(await me(`${header}.${tampered}.${signature}`));
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    expectRefused(await me(`${real.split('.').slice(0, 2).join('.')}.${flipped}`));
  });

  it('when a token has two or four parts, or no signature, then 401', async () => {
    const [h, p, s] = (await sign(validClaims())).split('.');

    for (const token of [`${h}.${p}`, `${h}.${p}.${s}.${s}`, `${h}.${p}.`, `${h}..${s}`, 'x']) {
      expectRefused(await me(token));
    }
  });

  it.each([
    ['unknown', 'no-such-kid'],
    ['a path', '../../dev/null'],
    ['SQL', "' OR 1=1--"],
    ['10 KB long', 'k'.repeat(10_240)],
    ['missing', undefined],
  ])('when the kid is %s, then 401 and never 500', async (_label, badKid) => {
    expectRefused(await me(await sign(validClaims(), { kid: badKid })));
  });

  it('when the header carries an attacker key in jwk, jku or x5u, then 401', async () => {
    const jwk = await exportJWK(attacker.publicKey);
    const headers: Array<Partial<JWTHeaderParameters>> = [
      { jwk: jwk as JWTHeaderParameters['jwk'], kid: undefined },
      { jwk: jwk as JWTHeaderParameters['jwk'] },
      { jku: 'http://127.0.0.1:9/jwks.json', kid: 'attacker' },
      { x5u: 'http://127.0.0.1:9/cert.pem', kid: 'attacker' },
    ];

    for (const header of headers) {
      expectRefused(await me(await sign(validClaims(), header, attacker.privateKey)));
    }
  });

  it.each([
    ['the issuer is wrong', { iss: 'https://evil.test' }],
    ['the issuer is missing', { iss: undefined }],
    ['the audience is wrong', { aud: 'another-api' }],
    ['the audience is missing', { aud: undefined }],
    ['exp is missing', { exp: undefined }],
    ['sid is missing', { sid: undefined }],
    ['nbf is 120 s in the future', { nbf: 'future' }],
    ['iat is 120 s in the future', { iat: 'future' }],
  ])('when %s, then 401', async (_label, change) => {
    const payload = validClaims();
    const inFuture = Math.floor(t.clock.now().getTime() / 1000) + 120;
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete payload[k];
      else payload[k] = v === 'future' ? inFuture : v;
    }

    expectRefused(await me(await sign(payload)));
  });

  it.each([
    ['JWT', 'JWT'],
    ['missing', undefined],
  ])('when typ is %s rather than at+jwt, then 401', async (_label, typ) => {
    expectRefused(await me(await sign(validClaims(), { typ })));
  });

  it('when a refresh token is sent as the access token, then 401', async () => {
    const { refreshToken } = await t.signIn('forger-rt@example.com');

    expectRefused(await me(refreshToken));
  });
});

describe('where the access token may travel', () => {
  it('when a valid token is sent in ?access_token=, then 401', async () => {
    const token = await sign(validClaims());

    const res = await t.http.get(`/v1/users/me?access_token=${token}`);

    expectRefused(res);
  });

  it('when the Authorization scheme is Basic, then 401', async () => {
    const res = await t.http
      .get('/v1/users/me')
      .set('Authorization', `Basic ${Buffer.from('user:pass').toString('base64')}`);

    expectRefused(res);
  });
});
