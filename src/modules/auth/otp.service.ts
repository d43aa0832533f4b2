import { emailDomain } from '../../platform/email-address';
import { clientKey } from '../../platform/ip-network';
import type { TestAccounts } from '../../platform/test-accounts';
import type { CodeRequestInput } from './auth.ports';
import type { MailQueue } from '../email';
import type { ClientContext, IssuedTokens } from './session.service';
import { MagicLinkSignIn } from './magic-link.use-case';
import { rateLimited, SignInUseCase, type SignInDeps } from './sign-in.use-case';

export interface OtpPolicy {
  length: number;
  expiryMinutes: number;
  activeCodes: number;
  maxAttempts: number;
  maxFailedPerEmailPerHour: number;
  maxFailedPerIpPerHour: number;
  resendCooldownSeconds: number;
  maxPerEmailPerHour: number;
  maxPerIpPerHour: number;
  maxPerDomainPerHour: number;
  maxCodesPerHourGlobal: number;
  maxFailedPerHourGlobal: number;
  /** IPv6 clients' per-IP budgets are counted by network of this many bits (`clientKey`). */
  ipv6SubnetPrefix: number;
}

/**
 * Tells whether an address must not be mailed, in place of the store's answer (which reads
 * the suppression list while admitting the request): a seam for tests and for a list kept
 * elsewhere. The caller's answer never changes either way.
 */
export interface SuppressionCheck {
  isSuppressed(email: string): Promise<boolean>;
}

const HOUR = 3_600_000;

/**
 * The code rules (docs/security.md, rows 1–17): requesting a code here, checking it and signing in in
 * `SignInUseCase`. Every budget lives in the database, so restarting an instance or flushing
 * Redis never hands an attacker a fresh one.
 */
export class OtpService {
  private readonly signIn: SignInUseCase;
  /** The sign-in link of the code email: the same sign-in, the link's row as the matched code. */
  readonly links: MagicLinkSignIn;

  constructor(
    private readonly deps: SignInDeps & {
      queue: MailQueue;
      suppressions?: SuppressionCheck;
      /** OTP_TEST_ACCOUNTS: these addresses get their fixed code stored instead of an email. */
      testAccounts?: TestAccounts;
    },
  ) {
    this.signIn = new SignInUseCase(deps);
    this.links = new MagicLinkSignIn({ ...deps, signIn: this.signIn });
  }

  /** An existing user always passes; a new address only inside the signups rollout. */
  private async signUpAllowed(email: string): Promise<boolean> {
    if (!this.deps.canSignUp) return true;
    return (
      (await this.deps.store.users.findByEmail(email)) !== undefined || (await this.deps.canSignUp(email))
    );
  }

  /**
   * Accepts a code request. The answer is the same for known, unknown, suppressed and
   * hidden-capped addresses; only the per-email cooldown (and the caller's own IP cap) is told.
   */
  async request(email: string, ctx: ClientContext & { locale: string }): Promise<void> {
    const { store, clock, policy, metrics } = this.deps;
    const domain = emailDomain(email);
    const now = clock.now();
    const input: CodeRequestInput = {
      email,
      emailDomain: domain,
      requestIp: clientKey(ctx.ip, policy.ipv6SubnetPrefix),
      now,
      expiresAt: new Date(now.getTime() + policy.expiryMinutes * 60_000),
      cooldownSeconds: policy.resendCooldownSeconds,
      maxPerIpPerHour: policy.maxPerIpPerHour,
      maxPerEmailPerHour: policy.maxPerEmailPerHour,
      maxPerDomainPerHour: policy.maxPerDomainPerHour,
    };
    const outcome = await store.admitCodeRequest(input);
    const audit = {
      event: 'otp.requested',
      requestId: ctx.requestId,
      emailHash: this.deps.emailHash(email),
      outcome: outcome.kind,
    };
    if (outcome.kind === 'cooldown') {
      metrics.otpRequests.inc({ outcome: 'cooldown' });
      this.deps.logger.info('otp request throttled', audit);
      throw rateLimited(
        outcome.retryAfterSeconds,
        'A code was just sent to this address; wait before asking again',
      );
    }
    if (outcome.kind === 'ip_capped') {
      metrics.otpRequests.inc({ outcome: 'ip_capped' });
      this.deps.logger.warn('otp request throttled', audit);
      throw rateLimited(HOUR / 1000, 'Too many codes requested from this network');
    }
    if (outcome.kind === 'capped') {
      metrics.otpRequests.inc({ outcome: 'capped' });
      this.deps.logger.warn('otp request throttled', audit);
      return;
    }
    const suppressed = this.deps.suppressions
      ? await this.deps.suppressions.isSuppressed(email)
      : outcome.suppressed;
    if (suppressed) {
      metrics.emailsSuppressed.inc();
      metrics.otpRequests.inc({ outcome: 'suppressed' });
      this.deps.logger.info('otp request for suppressed address', { ...audit, outcome: 'suppressed' });
      return;
    }
    // Outside the rollout: the same 202, but no code is minted, so verify cannot create the user.
    if (!(await this.signUpAllowed(email))) {
      metrics.otpRequests.inc({ outcome: 'signup_closed' });
      this.deps.logger.info('otp request outside the signup rollout', { ...audit, outcome: 'signup_closed' });
      return;
    }
    // Past the global hourly ceiling: the same 202, but no code is minted or sent.
    if (!(await this.deps.ceilings.codesSent.tryAdd(now))) {
      metrics.otpRequests.inc({ outcome: 'global_ceiling' });
      this.deps.logger.info('otp request over the global ceiling', { ...audit, outcome: 'global_ceiling' });
      return;
    }
    const testCode = this.deps.testAccounts?.get(email);
    if (testCode !== undefined) return this.storeTestCode(outcome.otpId, email, testCode, audit);
    await this.deps.queue.enqueue({
      otpId: outcome.otpId,
      email,
      expiresAt: input.expiresAt.toISOString(),
      locale: ctx.locale,
      requestId: ctx.requestId,
    });
    metrics.otpRequests.inc({ outcome: 'queued' });
    this.deps.logger.info('otp requested', audit);
  }

  /**
   * Test mode: the admitted code row gets the address's fixed code (hashed like a minted one)
   * instead of a random code and an email, so every rule of a code (expiry, attempts, the
   * budgets, single use) still holds for it.
   */
  private async storeTestCode(
    otpId: string,
    email: string,
    code: string,
    audit: Record<string, unknown>,
  ): Promise<void> {
    const { store, hasher, clock, metrics, logger } = this.deps;
    await store.otps.setCodeHash(otpId, hasher.hash(otpId, email, code), clock.now());
    metrics.otpRequests.inc({ outcome: 'test_account' });
    logger.info('test sign-in: fixed code stored, no email sent', { ...audit, event: 'otp.test_account' });
  }

  /** Checks a code and signs in: see `SignInUseCase`. */
  async verify(email: string, code: string, ctx: ClientContext): Promise<IssuedTokens> {
    const tokens = await this.signIn.run(email, code, ctx);
    if (this.deps.testAccounts?.has(email))
      this.deps.logger.info('test sign-in', {
        event: 'otp.test_sign_in',
        requestId: ctx.requestId,
        emailHash: this.deps.emailHash(email),
        sessionId: tokens.session.id,
      });
    return tokens;
  }
}
