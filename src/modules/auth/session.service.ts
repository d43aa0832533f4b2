import { v4 as uuidv4 } from 'uuid';
import type { Logger } from 'winston';
import { AppError } from '../../platform/errors/app-error';
import type { Metrics } from '../../platform/metrics';
import type { AssuranceClaims, TokenService } from './token.service';
import type { Clock } from '../../platform/clock';
import type { AuthStore, Session, SignInInput, User } from './auth.ports';

/** Who a logged action belongs to: the request id goes on every audit line it causes. */
export interface AuditContext {
  requestId?: string;
}

export interface ClientContext extends AuditContext {
  ip: string;
  userAgent?: string;
  acceptLanguage?: string;
  /** The low-entropy client hints (Sec-CH-UA, -Mobile, -Platform), joined. */
  clientHints?: string;
}

export interface IssuedTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  user: User;
  session: Session;
}

export interface SessionPolicy {
  idleHours: number;
  absoluteDays: number;
  refreshGraceSeconds: number;
}

const HOUR = 3_600_000;

/** The token claims of a session's level: RFC 8176 `otp` for an email code, `mfa` + `otp` with TOTP. */
export function assuranceOf(session: Session): AssuranceClaims {
  const aal = session.aal ?? 'aal1';
  const authenticatedAt = session.authenticatedAt ?? session.createdAt;
  return {
    aal,
    amr: aal === 'aal2' ? ['mfa', 'otp'] : ['otp'],
    authTime: Math.floor(authenticatedAt.getTime() / 1000),
  };
}

/** A session check that has to happen on every authenticated request (revocation is immediate). */
export interface SessionStateReader {
  /** `userId` (from the verified token) lets a cache key entries by user; the database ignores it. */
  findById(id: string, userId?: string): Promise<Session | undefined>;
}

/**
 * Sessions and their refresh-token chains: start on sign-in, rotate on refresh, revoke on
 * logout, reuse or admin action. The database row is the truth for revocation.
 */
export class SessionService {
  constructor(
    private readonly deps: {
      store: AuthStore;
      tokens: TokenService;
      clock: Clock;
      policy: SessionPolicy;
      /** The keyed device fingerprint of a client (device.ts), kept with its session. */
      fingerprint: (ctx: ClientContext) => string;
      logger: Logger;
      metrics: Metrics;
      sessionReader?: SessionStateReader;
      /** Called after every committed change (sign-in, rotation, revocation, reuse), before the answer. */
      onSessionChanged?: (sessionId: string, userId?: string) => Promise<void> | void;
    },
  ) {}

  /**
   * A new session (never reusing one: no fixation) and its first refresh token, for the store
   * to write at sign-in (`AuthStore.signIn`, which fills in the user).
   */
  open(ctx: ClientContext): {
    session: SignInInput['session'];
    refreshToken: string;
    refreshTokenHash: string;
  } {
    const now = this.deps.clock.now();
    const absolute = new Date(now.getTime() + this.deps.policy.absoluteDays * 24 * HOUR);
    const refreshToken = this.deps.tokens.newRefreshToken();
    return {
      session: {
        id: uuidv4(),
        ip: ctx.ip,
        userAgent: ctx.userAgent?.slice(0, 512) ?? null,
        deviceFingerprint: this.deps.fingerprint(ctx),
        createdAt: now,
        lastUsedAt: now,
        expiresAt: this.idleExpiry(now, absolute),
        absoluteExpiresAt: absolute,
      },
      refreshToken,
      refreshTokenHash: this.deps.tokens.hashRefreshToken(refreshToken),
    };
  }

  /** A fresh refresh token and its hash, for a chain started outside sign-in (a step-up). */
  newRefreshToken(): { token: string; hash: string } {
    const token = this.deps.tokens.newRefreshToken();
    return { token, hash: this.deps.tokens.hashRefreshToken(token) };
  }

  async issue(user: User, session: Session, refreshToken: string): Promise<IssuedTokens> {
    // Sign-in (lastLoginAt) and rotation both land here after their commit.
    await this.deps.onSessionChanged?.(session.id, user.id);
    return {
      accessToken: await this.deps.tokens.signAccessToken(user.id, session.id, assuranceOf(session)),
      tokenType: 'Bearer',
      expiresIn: this.deps.tokens.accessTtlSeconds,
      refreshToken,
      user,
      session,
    };
  }

  /**
   * Rotates a refresh token (`AuthStore.rotateRefreshToken`). A just-rotated token inside the
   * grace window gets the same successor (two tabs racing, a lost response); any other reuse
   * is treated as theft and revokes the session. The revocation is committed though the call fails.
   */
  async refresh(refreshToken: string, ctx: AuditContext = {}): Promise<IssuedTokens> {
    const { tokens, clock, policy, store } = this.deps;
    // The successor is derived from the token, so a retry inside the grace window gets the same one.
    const successor = tokens.successorOf(refreshToken);
    const now = clock.now();
    const outcome = await store.rotateRefreshToken({
      tokenHash: tokens.hashRefreshToken(refreshToken),
      successorHash: tokens.hashRefreshToken(successor),
      now,
      // The store caps it with the session's absolute expiry, which only it has read.
      idleExpiresAt: new Date(now.getTime() + policy.idleHours * HOUR),
      graceSeconds: policy.refreshGraceSeconds,
    });
    switch (outcome.kind) {
      case 'ok':
        this.deps.metrics.refreshes.inc({ result: 'ok' });
        return this.issue(outcome.user, outcome.session, successor);
      case 'reused':
        this.deps.metrics.refreshes.inc({ result: 'reused' });
        this.deps.metrics.sessionRevocations.inc({ reason: 'refresh_token_reused' });
        await this.deps.onSessionChanged?.(outcome.sessionId, outcome.userId);
        this.deps.logger.warn('refresh token reused; session revoked', {
          event: 'auth.refresh.reused',
          severity: 'high',
          requestId: ctx.requestId,
          sessionId: outcome.sessionId,
          userId: outcome.userId,
        });
        throw new AppError('refresh_token_reused');
      case 'expired':
        this.deps.metrics.refreshes.inc({ result: 'expired' });
        throw new AppError('session_expired');
      default:
        this.deps.metrics.refreshes.inc({ result: 'invalid' });
        throw new AppError('invalid_token');
    }
  }

  /** Resolves an access token to a live session, checking revocation and expiry on every call. */
  async authenticate(accessToken: string): Promise<{ userId: string; session: Session }> {
    const claims = await this.deps.tokens.verifyAccessToken(accessToken);
    const { sessionReader, store } = this.deps;
    const session = sessionReader
      ? await sessionReader.findById(claims.sessionId, claims.userId)
      : await store.sessions.findById(claims.sessionId);
    const now = this.deps.clock.now();
    if (!session || session.userId !== claims.userId || session.revokedAt) {
      throw new AppError('invalid_token');
    }
    if (session.expiresAt <= now || session.absoluteExpiresAt <= now) {
      throw new AppError('session_expired');
    }
    return { userId: claims.userId, session };
  }

  /**
   * The live session a refresh token belongs to, for a logout that presents one instead of an
   * access token: the token must be its chain's current one (or rotated inside the grace
   * window, a racing tab), and the session neither revoked nor expired. Nothing is changed.
   */
  async sessionOfRefreshToken(refreshToken: string): Promise<{ userId: string; session: Session }> {
    const { store, tokens, clock, policy } = this.deps;
    const now = clock.now();
    const record = await store.refreshTokens.findByHash(tokens.hashRefreshToken(refreshToken));
    const rotatedLongAgo =
      record?.rotatedAt && now.getTime() - record.rotatedAt.getTime() > policy.refreshGraceSeconds * 1000;
    const session = record && !rotatedLongAgo ? await store.sessions.findById(record.sessionId) : undefined;
    if (!session || session.revokedAt) throw new AppError('invalid_token');
    if (session.expiresAt <= now || session.absoluteExpiresAt <= now) throw new AppError('session_expired');
    return { userId: session.userId, session };
  }

  /** Revokes one of the user's sessions; false when it is not theirs or does not exist. */
  async revoke(userId: string, sessionId: string, reason: string, ctx: AuditContext = {}): Promise<boolean> {
    const session = await this.deps.store.sessions.findById(sessionId);
    if (!session || session.userId !== userId) return false;
    const now = this.deps.clock.now();
    const revoked = await this.deps.store.sessions.revoke(sessionId, now, reason);
    if (revoked) {
      this.deps.metrics.sessionRevocations.inc({ reason });
      this.deps.logger.info('session revoked', {
        event: 'session.revoked',
        requestId: ctx.requestId,
        sessionId,
        userId,
        reason,
      });
    }
    await this.deps.onSessionChanged?.(sessionId, userId);
    return true;
  }

  async listActive(
    userId: string,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<Session[]> {
    return this.deps.store.sessions.listActiveForUser(userId, this.deps.clock.now(), { limit, after });
  }

  private idleExpiry(now: Date, absolute: Date): Date {
    return new Date(Math.min(now.getTime() + this.deps.policy.idleHours * HOUR, absolute.getTime()));
  }
}
