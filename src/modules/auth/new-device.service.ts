import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import { resolveLocale, type MailQueue } from '../email';
import type { AuthRepositories, Session, User } from './auth.ports';
import { approximateNetwork, parseDevice } from './device';
import type { SessionLinks } from './session-link';
import type { ClientContext, SessionService } from './session.service';

/** An email not sent within the day says nothing the owner can still act on. */
const NOTICE_LIFETIME_MS = 86_400_000;

export type LinkOutcome = 'revoked' | 'used' | 'invalid';

/**
 * The new-sign-in email and its link. After each sign-in the device (the session's keyed
 * fingerprint) is recorded for the user; a device the user had not used, when the user had
 * used another, queues the email with a signed single-use link that revokes that session.
 * The account's first sign-in sends nothing. Nothing here can fail a sign-in.
 */
export class NewDeviceService {
  constructor(
    private readonly deps: {
      store: Pick<AuthRepositories, 'knownDevices' | 'sessionLinks'>;
      sessions: SessionService;
      links: SessionLinks;
      queue: Pick<MailQueue, 'enqueue'>;
      clock: Clock;
      logger: Logger;
      /** Where users reach the service (PUBLIC_URL): the link's origin. */
      baseUrl: string;
    },
  ) {}

  async onSignedIn(user: User, session: Session, ctx: ClientContext): Promise<void> {
    const event = {
      event: 'auth.new_device',
      requestId: ctx.requestId,
      userId: user.id,
      sessionId: session.id,
    };
    try {
      if (!session.deviceFingerprint) return;
      const now = this.deps.clock.now();
      const seen = await this.deps.store.knownDevices.remember(user.id, session.deviceFingerprint, now);
      if (!seen.isNew || seen.firstDevice) return;
      const device = parseDevice(session.userAgent);
      const { token } = this.deps.links.sign(session.id, user.id, now);
      const url = new URL('/v1/sessions/revoke-link', this.deps.baseUrl);
      url.searchParams.set('token', token);
      await this.deps.queue.enqueue({
        kind: 'new_device',
        noticeId: randomUUID(),
        email: user.email,
        expiresAt: new Date(now.getTime() + NOTICE_LIFETIME_MS).toISOString(),
        locale: resolveLocale(undefined, ctx.acceptLanguage),
        browser: device.browser,
        os: device.os,
        network: approximateNetwork(ctx.ip),
        signedInAt: session.createdAt.toISOString(),
        revokeUrl: url.toString(),
        requestId: ctx.requestId,
      });
      this.deps.logger.info('sign-in from a new device: email queued', event);
    } catch (err) {
      this.deps.logger.error('new-device email not queued', {
        ...event,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** GET: whether the link is genuine and unexpired; reads nothing and changes nothing. */
  isValid(token: string): boolean {
    return this.deps.links.verify(token, this.deps.clock.now()) !== undefined;
  }

  /** POST: revokes the link's session, once; a used link is refused however the session fares. */
  async revoke(token: string, requestId?: string): Promise<LinkOutcome> {
    const claims = this.deps.links.verify(token, this.deps.clock.now());
    if (!claims) return 'invalid';
    // Revocation is idempotent; the claim decides which of racing or repeated uses succeeds.
    const found = await this.deps.sessions.revoke(claims.userId, claims.sessionId, 'new_device_link', {
      requestId,
    });
    if (!found) return 'invalid';
    if (!(await this.deps.store.sessionLinks.claim(claims.linkId, claims.expiresAt))) return 'used';
    return 'revoked';
  }
}
