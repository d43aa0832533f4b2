import { createHash, createHmac, createPrivateKey, hkdfSync, KeyObject, timingSafeEqual } from 'node:crypto';

/** Derives a purpose-bound 32-byte key from the root secret, so one secret never does two jobs. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `otp-login-api:${purpose}`, 32),
  );
}

export function hmacHex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

const digestOf = (value: string | Uint8Array) => createHash('sha256').update(value).digest();

/**
 * The constant-time comparison of two secrets, tokens or digests (a string as its UTF-8
 * bytes). Both are hashed first, so neither where they differ nor how long they are shows in
 * the timing, and different lengths are simply unequal. An empty value never matches.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (a.length === 0 || b.length === 0) return false;
  return timingSafeEqual(digestOf(a), digestOf(b));
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 private key from a 32-byte seed: every instance sharing the secret signs with the same key. */
export function ed25519FromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}
