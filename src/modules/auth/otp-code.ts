import { randomInt } from 'node:crypto';
import { deriveKey, hmacHex, safeEqual } from '../../platform/secrets';
import { magicLinkUrl, mintMagicToken } from './magic-link';

/** A code of `length` digits from the CSPRNG; leading zeros are kept. */
export function generateCode(length: number): string {
  return randomInt(0, 10 ** length)
    .toString()
    .padStart(length, '0');
}

/**
 * Hashes codes with HMAC keys derived from the session secret. The current key hashes new
 * codes; former secrets (SESSION_SECRET_PREVIOUS) still verify, so rotating the secret
 * loses no code in flight. The hash binds the code to its record and its email.
 */
export class CodeHasher {
  private readonly keys: Buffer[];

  constructor(secret: string, previousSecrets: string[] = []) {
    this.keys = [secret, ...previousSecrets].map((s) => deriveKey(s, 'otp-code'));
  }

  hash(otpId: string, email: string, code: string): string {
    return hmacHex(this.keys[0], `${otpId}:${email}:${code}`);
  }

  /** Constant-time check against every key; all keys are always tried. */
  matches(storedHash: string, otpId: string, email: string, code: string): boolean {
    let ok = false;
    for (const key of this.keys) {
      if (safeEqual(storedHash, hmacHex(key, `${otpId}:${email}:${code}`))) ok = true;
    }
    return ok;
  }
}

/**
 * Mints codes of `length` digits for the mail worker: it mails the code and stores only the
 * hash. With `linkBaseUrl` (the public address, when OTP_MAGIC_LINK is on; false when off),
 * also a sign-in link on that address, bound to the same row: the worker mails it and stores
 * only its token's hash.
 */
export function createCodeMinter(hasher: CodeHasher, length: number, linkBaseUrl?: string | false) {
  return {
    mint(otpId: string, email: string) {
      const code = generateCode(length);
      const minted = { code, hash: hasher.hash(otpId, email, code) };
      if (!linkBaseUrl) return minted;
      const { token, hash } = mintMagicToken();
      return { ...minted, link: { url: magicLinkUrl(linkBaseUrl, token), hash } };
    },
  };
}
