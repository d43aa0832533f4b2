import { createHash, randomBytes } from 'node:crypto';

/**
 * The sign-in link of the code email: `/v1/auth/magic/<token>`, the token 128 random bits in
 * base64url (22 characters). Only its SHA-256 is stored, on the code's own row: an unsalted
 * fast hash is enough for a random 128-bit secret (nothing to brute-force), and a lookup by hash
 * needs no key. The token is minted with the code, by the mail worker, and never logged.
 */
export const MAGIC_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export const MAGIC_LINK_PATH = '/v1/auth/magic';

export const hashMagicToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function mintMagicToken(): { token: string; hash: string } {
  const token = randomBytes(16).toString('base64url');
  return { token, hash: hashMagicToken(token) };
}

/** The link on the service's public address (PUBLIC_BASE_URL). */
export const magicLinkUrl = (baseUrl: string, token: string): string =>
  new URL(`${MAGIC_LINK_PATH}/${token}`, baseUrl).toString();
