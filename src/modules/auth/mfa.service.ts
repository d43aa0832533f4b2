import { randomBytes, randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import type { Logger } from 'winston';
import { AppError } from '../../platform/errors/app-error';
import type { Clock } from '../../platform/clock';
import { clientKey } from '../../platform/ip-network';
import type { Metrics } from '../../platform/metrics';
import type { AuthStore, Session, User } from './auth.ports';
import type { AuthContext } from './authenticate';
import { checkEmailStepUpCode } from './email-step-up';
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from './mfa-codes';
import type { CodeHasher } from './otp-code';
import type { OtpPolicy } from './otp.service';
import type { ClientContext, IssuedTokens, SessionService } from './session.service';
import { rateLimited } from './sign-in.use-case';
import { base32Encode, matchTotp, otpauthUri, type SecretBox } from './totp';

export interface MfaDeps {
  store: AuthStore;
  sessions: SessionService;
  hasher: CodeHasher;
  box: SecretBox;
  recoveryKey: Buffer;
  clock: Clock;
  policy: Pick<
    OtpPolicy,
    'activeCodes' | 'maxAttempts' | 'maxFailedPerEmailPerHour' | 'maxFailedPerIpPerHour' | 'ipv6SubnetPrefix'
  >;
  stepUpMaxAgeSeconds: number;
  issuer: string;
  logger: Logger;
  metrics: Metrics;
}

export type StepUpProof = { totpCode: string } | { recoveryCode: string } | { emailCode: string };
type Method = 'totp' | 'recovery' | 'email';

const HOUR = 3_600_000;

/**
 * The TOTP second factor, recovery codes and step-up (docs/api.md, "Second factor"). A wrong
 * TOTP or recovery code spends the address's hourly failure budget like a wrong email code.
 */
export class MfaService {
  constructor(private readonly deps: MfaDeps) {}

  async enrol(auth: AuthContext) {
    const user = await this.user(auth);
    const secret = randomBytes(20);
    const factor = await this.deps.store.mfa.enrol({
      id: randomUUID(),
      userId: user.id,
      secretEncrypted: this.deps.box.seal(secret, user.id),
      createdAt: this.deps.clock.now(),
    });
    if (!factor) throw new AppError('conflict', { detail: 'A TOTP factor is already active' });
    const uri = otpauthUri(this.deps.issuer, user.email, base32Encode(secret));
    this.deps.logger.info('totp factor enrolled', {
      event: 'mfa.totp.enrolled',
      userId: user.id,
      factorId: factor.id,
    });
    return {
      factorId: factor.id,
      secret: base32Encode(secret),
      otpauthUri: uri,
      qrSvg: await QRCode.toString(uri, { type: 'svg' }),
    };
  }

  /** Activates the unconfirmed factor with a first code: recovery codes, and this session at AAL2. */
  async confirm(auth: AuthContext, code: string, ctx: ClientContext) {
    const user = await this.user(auth);
    const factor = await this.deps.store.mfa.findFactor(user.id);
    if (factor?.status === 'active')
      throw new AppError('conflict', { detail: 'The TOTP factor is already active' });
    await this.checkBudget(user);
    const step = factor && this.matchStep(factor.secretEncrypted, user.id, code);
    const now = this.deps.clock.now();
    if (
      !factor ||
      step === undefined ||
      !(await this.deps.store.mfa.useStep(factor.id, step, { activateAt: now }))
    )
      return this.failed(user, ctx, 'totp');
    const recoveryCodes = await this.newRecoveryCodes(user.id);
    this.deps.logger.info('totp factor confirmed', {
      event: 'mfa.totp.confirmed',
      userId: user.id,
      factorId: factor.id,
    });
    return { recoveryCodes, tokens: await this.elevate(user, auth.session, 'aal2', 'totp') };
  }

  /** A new token pair for the same session, at AAL2 (TOTP, recovery) or a fresh AAL1 (email code). */
  async stepUp(auth: AuthContext, proof: StepUpProof, ctx: ClientContext): Promise<IssuedTokens> {
    const user = await this.user(auth);
    const factor = await this.deps.store.mfa.findFactor(user.id);
    const active = factor?.status === 'active' ? factor : undefined;
    if ('emailCode' in proof) {
      if (active)
        throw new AppError('step_up_required', {
          detail: 'Use a TOTP or recovery code',
          methods: ['totp', 'recovery'],
        });
      await checkEmailStepUpCode(this.deps, user.email, proof.emailCode, ctx);
      return this.elevate(user, auth.session, 'aal1', 'email');
    }
    const method: Method = 'totpCode' in proof ? 'totp' : 'recovery';
    await this.checkBudget(user);
    const now = this.deps.clock.now();
    let ok = false;
    if (active && 'totpCode' in proof) {
      const opened = this.deps.box.open(active.secretEncrypted, user.id);
      const step = matchTotp(opened.plain, proof.totpCode, now.getTime());
      // Re-sealed under the current key when it was sealed under a previous SESSION_SECRET.
      const resealed = opened.stale ? this.deps.box.seal(opened.plain, user.id) : undefined;
      ok =
        step !== undefined &&
        (await this.deps.store.mfa.useStep(active.id, step, { secretEncrypted: resealed }));
    } else if (active && 'recoveryCode' in proof) {
      ok = await this.deps.store.mfa.useRecoveryCode(
        user.id,
        hashRecoveryCode(this.deps.recoveryKey, proof.recoveryCode),
        now,
      );
    }
    if (!ok) return this.failed(user, ctx, method);
    return this.elevate(user, auth.session, 'aal2', method);
  }

  /** Throws 403 step_up_required unless the session has a recent enough step-up. */
  async requireStepUp(auth: AuthContext): Promise<void> {
    const active = (await this.deps.store.mfa.findFactor(auth.userId))?.status === 'active';
    const s = auth.session;
    const at = (s.authenticatedAt ?? s.createdAt).getTime();
    const fresh = this.deps.clock.now().getTime() - at <= this.deps.stepUpMaxAgeSeconds * 1000;
    if (fresh && (!active || s.aal === 'aal2')) return;
    throw new AppError('step_up_required', { methods: active ? ['totp', 'recovery'] : ['email'] });
  }

  async disable(auth: AuthContext): Promise<void> {
    await this.requireStepUp(auth);
    if (await this.deps.store.mfa.deleteFactor(auth.userId))
      this.deps.logger.info('totp factor removed', { event: 'mfa.totp.removed', userId: auth.userId });
  }

  /** Revokes every session of the user but this one (needs a recent step-up); how many it revoked. */
  async signOutOthers(auth: AuthContext, ctx: { requestId?: string }): Promise<number> {
    await this.requireStepUp(auth);
    const { sessions } = this.deps;
    let revoked = 0;
    for (let page = await sessions.listActive(auth.userId, 100); ;) {
      for (const s of page.filter((other) => other.id !== auth.session.id))
        if (await sessions.revoke(auth.userId, s.id, 'user_signed_out_others', ctx)) revoked++;
      if (page.length < 100) return revoked;
      page = await sessions.listActive(auth.userId, 100);
    }
  }

  async regenerateRecoveryCodes(auth: AuthContext): Promise<string[]> {
    await this.requireStepUp(auth);
    if ((await this.deps.store.mfa.findFactor(auth.userId))?.status !== 'active')
      throw new AppError('conflict', { detail: 'No active TOTP factor' });
    return this.newRecoveryCodes(auth.userId);
  }

  private matchStep(sealed: string, userId: string, code: string): number | undefined {
    return matchTotp(this.deps.box.open(sealed, userId).plain, code, this.deps.clock.now().getTime());
  }

  private async newRecoveryCodes(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const hashes = codes.map((c) => hashRecoveryCode(this.deps.recoveryKey, c));
    await this.deps.store.mfa.replaceRecoveryCodes(userId, hashes, this.deps.clock.now());
    return codes;
  }

  private async checkBudget(user: User): Promise<void> {
    const now = this.deps.clock.now();
    const spent = await this.deps.store.authFailures.countSince(
      { email: user.email },
      new Date(now.getTime() - HOUR),
    );
    if (spent >= this.deps.policy.maxFailedPerEmailPerHour) {
      this.deps.metrics.mfaVerifications.inc({ method: 'totp', result: 'rate_limited' });
      this.deps.metrics.rateLimited.inc({ limit: 'verify_failures' });
      throw rateLimited(HOUR / 1000, 'Too many wrong codes; try again later');
    }
  }

  private async failed(user: User, ctx: ClientContext, method: Method): Promise<never> {
    const ip = clientKey(ctx.ip, this.deps.policy.ipv6SubnetPrefix);
    await this.deps.store.authFailures.record({ email: user.email, ip, at: this.deps.clock.now() });
    this.deps.metrics.mfaVerifications.inc({ method, result: 'invalid_code' });
    this.deps.logger.info('second factor refused', {
      event: 'mfa.failed',
      method,
      userId: user.id,
      requestId: ctx.requestId,
    });
    throw new AppError('invalid_code');
  }

  private async elevate(
    user: User,
    session: Session,
    aal: 'aal1' | 'aal2',
    method: Method,
  ): Promise<IssuedTokens> {
    const { store, sessions } = this.deps;
    const now = this.deps.clock.now();
    if (!(await store.mfa.elevateSession(session.id, aal, now))) throw new AppError('invalid_token');
    const refreshToken = sessions.newRefreshToken();
    await store.refreshTokens.insert({
      tokenHash: refreshToken.hash,
      sessionId: session.id,
      parentHash: null,
      createdAt: now,
      rotatedAt: null,
    });
    const updated = (await store.sessions.findById(session.id, { primary: true }))!;
    this.deps.metrics.mfaVerifications.inc({ method, result: 'success' });
    this.deps.logger.info('step-up succeeded', {
      event: 'mfa.step_up',
      method,
      aal: updated.aal,
      userId: user.id,
      sessionId: session.id,
    });
    return sessions.issue(user, updated, refreshToken.token);
  }

  userOf(auth: AuthContext): Promise<User | undefined> {
    return this.deps.store.users.findById(auth.userId);
  }

  private async user(auth: AuthContext): Promise<User> {
    const user = await this.userOf(auth);
    if (!user) throw new AppError('invalid_token');
    return user;
  }
}
