import { randomBytes } from 'node:crypto';
import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  otpauthUri,
  SecretBox,
  stepAt,
} from '../../src/modules/auth/totp';

// RFC 6238 appendix B, the SHA-1 rows: the ASCII seed "12345678901234567890", 8 digits.
const RFC_SEED = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238 / RFC 4226)', () => {
  it.each(RFC_VECTORS)('when the time is %i s, then the SHA-1 code is %s', (seconds, code) => {
    expect(hotp(RFC_SEED, stepAt(seconds * 1000), 8)).toBe(code);
  });

  it('when 6 digits are asked for, then the code is the last six of the RFC value', () => {
    expect(hotp(RFC_SEED, stepAt(59_000))).toBe('287082');
  });

  it('when a code is from the step before, now or after, then it matches that step; two away does not', () => {
    const t = 1111111111 * 1000;
    const step = stepAt(t);
    for (const d of [-1, 0, 1]) expect(matchTotp(RFC_SEED, hotp(RFC_SEED, step + d), t)).toBe(step + d);
    expect(matchTotp(RFC_SEED, hotp(RFC_SEED, step + 2), t)).toBeUndefined();
    expect(matchTotp(RFC_SEED, hotp(RFC_SEED, step - 2), t)).toBeUndefined();
    expect(matchTotp(RFC_SEED, '', t)).toBeUndefined();
  });

  it('when a secret is base32-encoded, then it decodes to the same bytes (RFC 4648 alphabet)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    const bytes = randomBytes(20);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });

  it('when the otpauth URI is built, then it names issuer, account and parameters', () => {
    const uri = new URL(otpauthUri('Acme Login', 'a@example.com', 'ABC'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Acme Login:a@example.com');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: 'ABC',
      issuer: 'Acme Login',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});

describe('SecretBox (AES-256-GCM)', () => {
  const secret = 'a'.repeat(64);
  const plain = randomBytes(20);

  it('when sealed, then it opens for the same user only, and the ciphertext hides the secret', () => {
    const box = new SecretBox(secret);
    const sealed = box.seal(plain, 'user-1');
    expect(sealed).not.toContain(plain.toString('base64url'));
    expect(box.open(sealed, 'user-1')).toEqual({ plain, stale: false });
    expect(() => box.open(sealed, 'user-2')).toThrow();
    expect(box.seal(plain, 'user-1')).not.toBe(sealed); // a fresh IV each time
  });

  it('when the secret is rotated, then the previous one still opens (stale) and an unknown one does not', () => {
    const sealed = new SecretBox(secret).seal(plain, 'u');
    expect(new SecretBox('b'.repeat(64), [secret]).open(sealed, 'u')).toEqual({ plain, stale: true });
    expect(() => new SecretBox('b'.repeat(64)).open(sealed, 'u')).toThrow();
  });

  it('when the sealed text is tampered with, then it does not open', () => {
    const box = new SecretBox(secret);
    const parts = box.seal(plain, 'u').split('.');
    const body = Buffer.from(parts[2], 'base64url');
    body[0] ^= 1;
    parts[2] = body.toString('base64url');
    expect(() => box.open(parts.join('.'), 'u')).toThrow();
    expect(() => box.open('v2.a.b.c', 'u')).toThrow();
  });
});
