import { randomBytes } from 'node:crypto';
import { base32Encode } from './totp';
import { hmacHex } from '../../platform/secrets';

/** Recovery codes per user, each single use. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * A recovery code: 80 random bits as 16 base32 characters in groups of four
 * (`ABCD-EFGH-IJKL-MNOP`). With that much entropy a keyed hash is enough to store it.
 */
export function newRecoveryCode(): string {
  return base32Encode(randomBytes(10)).match(/.{4}/g)!.join('-');
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export const normaliseRecoveryCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

export const hashRecoveryCode = (key: Buffer, code: string) => hmacHex(key, normaliseRecoveryCode(code));
