import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../../platform/secrets';

/** What a revoke link names: the session, its user, the link's own id (single use) and its expiry. */
export interface SessionLinkClaims {
  sessionId: string;
  userId: string;
  linkId: string;
  expiresAt: Date;
}

/** A revoke link is good for 7 days. */
export const SESSION_LINK_LIFETIME_MS = 7 * 86_400_000;

const b64 = (b: Buffer) => b.toString('base64url');

/**
 * The signed links of the new-sign-in email: `<payload>.<HMAC-SHA256>` in base64url, the key
 * derived from SESSION_SECRET (purpose `session-link`). The signature binds the session, the
 * user, the expiry and a random link id; the store records the id when the link is used.
 */
export class SessionLinks {
  constructor(private readonly key: Buffer) {}

  sign(sessionId: string, userId: string, now: Date): { token: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + SESSION_LINK_LIFETIME_MS);
    const payload = b64(
      Buffer.from(
        JSON.stringify({ s: sessionId, u: userId, n: b64(randomBytes(16)), e: expiresAt.getTime() }),
      ),
    );
    return { token: `${payload}.${this.mac(payload)}`, expiresAt };
  }

  /** The claims of a genuine, unexpired link; undefined for anything else (tampered, expired, malformed). */
  verify(token: string, now: Date): SessionLinkClaims | undefined {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined || !safeEqual(mac, this.mac(payload))) return undefined;
    try {
      const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof c.s !== 'string' || typeof c.u !== 'string' || typeof c.n !== 'string') return undefined;
      if (typeof c.e !== 'number' || c.e <= now.getTime()) return undefined;
      return { sessionId: c.s, userId: c.u, linkId: c.n, expiresAt: new Date(c.e) };
    } catch {
      return undefined;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
