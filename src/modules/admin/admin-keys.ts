import { createHash } from 'node:crypto';

export interface AdminKey {
  digest: Buffer;
  /** First 8 hex characters of the key's SHA-256: names the key in logs without revealing it. */
  id: string;
}

const SHA256_ENTRY = /^sha256:([0-9a-f]{64})$/i;

export const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A configured key is a plain key or `sha256:<hex>` of one, so the plain key need not sit in the
 * environment. Config has already refused malformed entries and keys under 16 characters.
 */
export function parseAdminKeys(entries: string[]): AdminKey[] {
  return entries.map((entry) => {
    const m = SHA256_ENTRY.exec(entry);
    const digest = m ? Buffer.from(m[1], 'hex') : sha256(entry);
    return { digest, id: digest.toString('hex').slice(0, 8) };
  });
}
