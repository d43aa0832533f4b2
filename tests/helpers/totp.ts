import { createHmac } from 'node:crypto';

/**
 * An independent RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s), written apart from the service's
 * code, so a test's code does not depend on what it tests.
 */
export function totp(base32: string, atMs: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  return String((mac.readUInt32BE(mac[19] & 0xf) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
