import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { AppError } from '../../src/platform/errors/app-error';
import { TokenService, type TokenServiceOptions } from '../../src/modules/auth/token.service';
import { ManualClock } from '../../src/platform/clock';

const SECRET = 'token-secret-0123456789abcdef0123456789abcdef';
const USER = '0b7c3c9e-1111-4a4a-8b8b-000000000001';
const SESSION = '0b7c3c9e-2222-4a4a-8b8b-000000000002';
const TTL = 900;

function service(overrides: Partial<TokenServiceOptions> = {}) {
  const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
  const tokens = new TokenService({
    secret: SECRET,
    privateKeysPem: [],
    issuer: 'otp-login-api',
    audience: 'otp-login-api',
    accessTtlSeconds: TTL,
    clock,
    ...overrides,
  });
  return { tokens, clock };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;

/** Resolves to the AppError code a verification fails with, or 'valid'. */
async function outcome(tokens: TokenService, token: string): Promise<string> {
  try {
    await tokens.verifyAccessToken(token);
    return 'valid';
  } catch (err) {
    if (err instanceof AppError) return `${err.status} ${err.code}`;
    throw err;
  }
}

describe('TokenService access tokens', () => {
  it('when a token is signed, then it verifies back to the same user, session and expiry', async () => {
    const { tokens, clock } = service();
    const token = await tokens.signAccessToken(USER, SESSION);
    const nowSeconds = clock.now().getTime() / 1000;
    expect(await tokens.verifyAccessToken(token)).toEqual({
      userId: USER,
      sessionId: SESSION,
      expiresAt: nowSeconds + TTL,
    });
  });

  it('when a token is signed, then it carries the EdDSA header and every contract claim', async () => {
    const { tokens, clock } = service();
    const token = await tokens.signAccessToken(USER, SESSION);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: expect.any(String), typ: 'at+jwt' });
    const now = clock.now().getTime() / 1000;
    expect(decodeJwt(token)).toEqual({
      iss: 'otp-login-api',
      aud: 'otp-login-api',
      sub: USER,
      sid: SESSION,
      iat: now,
      exp: now + TTL,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(decodeJwt(await tokens.signAccessToken(USER, SESSION)).jti).not.toBe(decodeJwt(token).jti);
  });

  it.each([
    ['just before expiry', TTL - 1, 'valid'],
    ['59 s past expiry (inside the 60 s leeway)', TTL + 59, 'valid'],
    ['61 s past expiry', TTL + 61, '401 token_expired'],
  ])(
    'when checked %s, then it is %s (fresh and cached verifications agree)',
    async (_case, later, expected) => {
      const { tokens, clock } = service();
      const token = await tokens.signAccessToken(USER, SESSION);
      await tokens.verifyAccessToken(token); // cached from here on
      clock.advance(later * 1000);
      expect(await outcome(tokens, token)).toBe(expected);

      const fresh = service();
      fresh.clock.set(clock.now());
      expect(await outcome(fresh.tokens, token)).toBe(expected);
    },
  );

  it('when another instance shares the secret, then it verifies the token (same derived key)', async () => {
    const a = service();
    const b = service();
    expect(await outcome(b.tokens, await a.tokens.signAccessToken(USER, SESSION))).toBe('valid');
  });

  it('when another instance has another secret, then the token is refused', async () => {
    const token = await service().tokens.signAccessToken(USER, SESSION);
    const other = service({ secret: 'another-secret-0123456789abcdef0123456789' });
    expect(await outcome(other.tokens, token)).toBe('401 invalid_token');
  });

  it.each([
    ['issuer', { issuer: 'someone-else' }],
    ['audience', { audience: 'another-api' }],
  ])('when the %s does not match, then the token is refused', async (_claim, options) => {
    const token = await service(options).tokens.signAccessToken(USER, SESSION);
    expect(await outcome(service().tokens, token)).toBe('401 invalid_token');
  });

  it('when the token uses alg none, then it is refused', async () => {
    const { tokens } = service();
    const real = await tokens.signAccessToken(USER, SESSION);
    const [, payload] = real.split('.');
    const kid = decodeProtectedHeader(real).kid;
    expect(await outcome(tokens, `${b64({ alg: 'none', kid, typ: 'at+jwt' })}.${payload}.`)).toBe(
      '401 invalid_token',
    );
  });

  it('when the token is HS256-signed with our public key (algorithm confusion), then it is refused', async () => {
    const { tokens } = service();
    const real = await tokens.signAccessToken(USER, SESSION);
    const { kid } = decodeProtectedHeader(real);
    const { keys } = await tokens.jwks();
    const signingInput = `${b64({ alg: 'HS256', kid, typ: 'at+jwt' })}.${real.split('.')[1]}`;
    const mac = createHmac('sha256', Buffer.from(keys[0].x as string, 'base64url'))
      .update(signingInput)
      .digest('base64url');
    expect(await outcome(tokens, `${signingInput}.${mac}`)).toBe('401 invalid_token');
  });

  it('when the kid is unknown or the signature is tampered with, then it is refused', async () => {
    const { tokens } = service();
    const foreign = service({ privateKeysPem: [pem()] });
    expect(await outcome(tokens, await foreign.tokens.signAccessToken(USER, SESSION))).toBe(
      '401 invalid_token',
    );

    const real = await tokens.signAccessToken(USER, SESSION);
    const [header, , signature] = real.split('.');
    const forged = b64({ ...decodeJwt(real), sub: 'someone-else' });
    expect(await outcome(tokens, `${header}.${forged}.${signature}`)).toBe('401 invalid_token');
  });

  it.each(['', 'garbage', 'a.b.c', 'a.b', `${'x'.repeat(5000)}.y.z`])(
    'when the token is malformed (%j), then it is refused without throwing anything else',
    async (token) => {
      expect(await outcome(service().tokens, token)).toBe('401 invalid_token');
    },
  );
});

describe('TokenService keys and JWKS', () => {
  it('when the key is derived from the secret, then the JWKS has one public Ed25519 key matching the kid', async () => {
    const { tokens } = service();
    const { keys } = await tokens.jwks();
    const kid = decodeProtectedHeader(await tokens.signAccessToken(USER, SESSION)).kid;
    expect(keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid, alg: 'EdDSA', use: 'sig' },
    ]);
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('when JWT_PRIVATE_KEYS lists keys, then the first signs and every one verifies', async () => {
    const [newest, older] = [pem(), pem()];
    const rotated = service({ privateKeysPem: [newest, older] });
    const beforeRotation = service({ privateKeysPem: [older] });

    const { keys } = await rotated.tokens.jwks();
    expect(keys).toHaveLength(2);
    const token = await rotated.tokens.signAccessToken(USER, SESSION);
    expect(decodeProtectedHeader(token).kid).toBe(keys[0].kid);
    expect(await outcome(rotated.tokens, await beforeRotation.tokens.signAccessToken(USER, SESSION))).toBe(
      'valid',
    );
    expect(await outcome(beforeRotation.tokens, token)).toBe('401 invalid_token');
  });

  it('when a listed key is not Ed25519, then the service refuses to start', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    }) as string;
    expect(() => service({ privateKeysPem: [rsa] })).toThrow(/Ed25519/);
  });
});

describe('TokenService refresh tokens', () => {
  it('when a refresh token is minted, then it is 256 random bits in base64url', () => {
    const { tokens } = service();
    const a = tokens.newRefreshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(tokens.newRefreshToken()).not.toBe(a);
  });

  it('when the successor is asked twice, then it is the same (grace-window retries get one answer)', () => {
    const { tokens } = service();
    const token = tokens.newRefreshToken();
    expect(tokens.successorOf(token)).toBe(tokens.successorOf(token));
    expect(service().tokens.successorOf(token)).toBe(tokens.successorOf(token));
  });

  it('when tokens differ, then successors differ, and a successor is never the token itself', () => {
    const { tokens } = service();
    const [a, b] = [tokens.newRefreshToken(), tokens.newRefreshToken()];
    expect(tokens.successorOf(a)).not.toBe(tokens.successorOf(b));
    expect(tokens.successorOf(a)).not.toBe(a);
    expect(tokens.successorOf(a)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('when the secret differs, then the successor differs (it cannot be predicted without the key)', () => {
    const token = service().tokens.newRefreshToken();
    const other = service({ secret: 'another-secret-0123456789abcdef0123456789' });
    expect(other.tokens.successorOf(token)).not.toBe(service().tokens.successorOf(token));
  });

  it('when a refresh token is hashed, then it is its SHA-256 hex, stable, and not the token', () => {
    const { tokens } = service();
    const token = tokens.newRefreshToken();
    const hash = tokens.hashRefreshToken(token);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.hashRefreshToken(token)).toBe(hash);
    expect(tokens.hashRefreshToken(tokens.newRefreshToken())).not.toBe(hash);
  });
});
