import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { deriveKey, safeEqual } from '../../platform/secrets';

/**
 * TOTP per RFC 6238 over HOTP (RFC 4226): HMAC-SHA-1, 6 digits, 30 s steps, the step before
 * and after accepted for clock drift. Twenty lines of node:crypto, checked against the RFC's
 * own test vectors (tests/unit/totp.test.ts), rather than a dependency.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const DRIFT_STEPS = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const i = BASE32.indexOf(ch);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 4226 section 5.3: dynamic truncation of HMAC-SHA-1(key, counter). */
export function hotp(key: Buffer, counter: number, digits = TOTP_DIGITS): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const stepAt = (nowMs: number) => Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);

/**
 * The step (t-1, t or t+1) whose code matches, or undefined. Every candidate is compared in
 * constant time; the caller makes the step single use (MfaRepository.useStep).
 */
export function matchTotp(key: Buffer, code: string, nowMs: number): number | undefined {
  const now = stepAt(nowMs);
  let matched: number | undefined;
  for (let step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
    if (safeEqual(hotp(key, step), code) && matched === undefined) matched = step;
  }
  return matched;
}

/** The otpauth:// URI authenticator apps read (Key URI Format). */
export function otpauthUri(issuer: string, account: string, secretBase32: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const params = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}

/**
 * AES-256-GCM for TOTP secrets at rest, under a key derived from SESSION_SECRET; the previous
 * secrets (SESSION_SECRET_PREVIOUS) still open old ciphertexts, which are then re-encrypted.
 * Format: `v1.<iv>.<ciphertext>.<tag>` (base64url); the user id is the associated data, so a
 * ciphertext copied to another user's row does not open.
 */
export class SecretBox {
  private readonly keys: Buffer[];

  constructor(secret: string, previousSecrets: string[] = []) {
    this.keys = [secret, ...previousSecrets].map((s) => deriveKey(s, 'totp-secret-aes-gcm'));
  }

  seal(plain: Buffer, userId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv).setAAD(Buffer.from(userId));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return ['v1', iv, body, cipher.getAuthTag()]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** The plaintext, and whether it was sealed under a previous key (re-seal it). */
  open(sealed: string, userId: string): { plain: Buffer; stale: boolean } {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || !body || !tag) throw new Error('unknown sealed format');
    for (const [i, key] of this.keys.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(userId)).setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
        return { plain, stale: i > 0 };
      } catch {
        // not this key: try the next
      }
    }
    throw new Error('sealed secret does not open under any configured key');
  }
}
