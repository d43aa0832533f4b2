import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import { AppError } from '../../platform/errors/app-error';
import { resolveLocale, type MailQueue } from '../email';
import type { Metrics } from '../../platform/metrics';
import type { Clock } from '../../platform/clock';
import type { Ceiling } from '../../platform/global-ceiling';
import { clientKey } from '../../platform/ip-network';
import type { AuthStore, Session, User, VerifyAttemptInput } from './auth.ports';
import type { ClientContext, IssuedTokens, SessionService } from './session.service';
import type { CodeHasher } from './otp-code';
import type { OtpPolicy } from './otp.service';

/** A 429 with Retry-After (the failure budgets here, the code request's cooldown and IP cap). */
export const rateLimited = (retryAfterSeconds: number, detail: string) =>
  new AppError('rate_limited', { detail, retryAfterSeconds });

/** One guess at `email`'s codes, as the store counts it (the code rules of docs/security.md). */
export const verifyAttempt = (
  email: string,
  ctx: ClientContext,
  now: Date,
  policy: Pick<
    OtpPolicy,
    'ipv6SubnetPrefix' | 'activeCodes' | 'maxAttempts' | 'maxFailedPerIpPerHour' | 'maxFailedPerEmailPerHour'
  >,
): VerifyAttemptInput => ({
  email,
  ip: clientKey(ctx.ip, policy.ipv6SubnetPrefix),
  now,
  activeCodes: policy.activeCodes,
  maxAttempts: policy.maxAttempts,
  maxFailedPerIpPerHour: policy.maxFailedPerIpPerHour,
  maxFailedPerEmailPerHour: policy.maxFailedPerEmailPerHour,
});

export interface SignInDeps {
  store: AuthStore;
  hasher: CodeHasher;
  sessions: SessionService;
  clock: Clock;
  policy: OtpPolicy;
  logger: Logger;
  metrics: Metrics;
  emailHash: (email: string) => string;
  /** The global hourly ceilings (codes emailed, wrong guesses at live codes), all instances together. */
  ceilings: { codesSent: Ceiling; failedVerifies: Ceiling };
  /** Whether a NEW address may sign up (the `signups` rollout); an existing user always may. */
  canSignUp?: (email: string) => boolean | Promise<boolean>;
  /** After each sign-in (the new-device email); never throws. */
  onSignedIn?: (user: User, session: Session, ctx: ClientContext) => Promise<void>;
  /** The mail queue: it carries the guess notice to an address's owner. */
  queue: Pick<MailQueue, 'enqueue'>;
}

/** A notice not sent within the hour says nothing the owner can still act on. */
const NOTICE_LIFETIME_MS = 3_600_000;

/**
 * POST /otp/verify: check the code, then sign in. Two steps of the store, each atomic:
 *
 * 1. Count the guess (`countVerifyAttempt`): an attempt on every live code and a failure on
 *    the IP's budget and, when the address has a live code, on the address's, committed before
 *    the comparison, so no guess that could match is ever free, however guesses race or the
 *    process dies; a guess at an idle address cannot lock its owner out. The guess that
 *    spends the address's budget has its owner told by email (at most once an hour).
 * 2. Compare it with the live codes the count returned, here, in constant time per candidate.
 *    A wrong one counts towards the global hourly ceiling; once that is reached, a right one
 *    is answered as a wrong one.
 * 3. Sign in (`signIn`): consume the codes, clear the address's failures (this one included),
 *    create or stamp the user, start the session. Only one of racing right guesses finds the
 *    code still pending; a right code refused here (used meanwhile, signups closed) stays a
 *    counted failure.
 * 4. Issue the tokens.
 */
export class SignInUseCase {
  constructor(private readonly deps: SignInDeps) {}

  async run(email: string, code: string, ctx: ClientContext): Promise<IssuedTokens> {
    const { store, clock, policy } = this.deps;
    const now = clock.now();
    const audit = { requestId: ctx.requestId, emailHash: this.deps.emailHash(email), ip: ctx.ip };

    const counted = await store.countVerifyAttempt(verifyAttempt(email, ctx, now, policy));
    if (counted.kind === 'locked') {
      this.deps.metrics.otpVerifications.inc({ result: 'rate_limited' });
      this.deps.metrics.rateLimited.inc({ limit: 'verify_failures' });
      this.deps.logger.warn('otp verify refused: failure budget spent', {
        event: 'otp.verify.locked',
        ...audit,
      });
      throw rateLimited(counted.retryAfterSeconds, 'Too many wrong codes; try again later');
    }
    if (counted.ownerNotice) await this.noticeOwner(email, ctx, now, audit);

    let matchedId: string | undefined;
    // Every candidate is compared (no early exit): the time does not tell which one matched.
    for (const c of counted.candidates) {
      if (this.deps.hasher.matches(c.codeHash, c.id, email, code)) matchedId = c.id;
    }
    // A wrong guess at a live code counts towards the global ceiling; past it, even a right
    // code gets the wrong code's answer, so no spread of addresses keeps guessing useful.
    if (matchedId === undefined) {
      if (counted.candidates.length > 0) await this.deps.ceilings.failedVerifies.tryAdd(now);
      return this.failed(audit);
    }
    if (await this.deps.ceilings.failedVerifies.isReached(now)) return this.failed(audit);

    return (await this.complete(email, matchedId, ctx, now, 'code')) ?? this.failed(audit);
  }

  /**
   * Steps 3 and 4, once a proof matched the code row `otpId`: the code itself (`run`), or the
   * sign-in link bound to that row (magic-link.use-case.ts). The same session, user, new-device
   * and signups rules either way. Undefined when the store refused (the row was used meanwhile,
   * or a new address is outside the signups rollout): nothing was written.
   */
  async complete(
    email: string,
    otpId: string,
    ctx: ClientContext,
    now: Date,
    method: 'code' | 'link',
  ): Promise<IssuedTokens | undefined> {
    const { store, sessions } = this.deps;
    const opened = sessions.open(ctx);
    const signedIn = await store.signIn({
      email,
      otpId,
      now,
      mayCreateUser: this.deps.canSignUp ? await this.deps.canSignUp(email) : true,
      session: opened.session,
      refreshTokenHash: opened.refreshTokenHash,
    });
    if (signedIn.kind !== 'signed_in') return undefined;

    this.deps.metrics.otpVerifications.inc({ result: 'success' });
    this.deps.metrics.sessionsCreated.inc();
    this.deps.logger.info('otp verify succeeded', {
      event: 'otp.verify.succeeded',
      requestId: ctx.requestId,
      emailHash: this.deps.emailHash(email),
      ip: ctx.ip,
      method,
      userId: signedIn.user.id,
      sessionId: signedIn.session.id,
    });
    await this.deps.onSignedIn?.(signedIn.user, signedIn.session, ctx);
    return sessions.issue(signedIn.user, signedIn.session, opened.refreshToken);
  }

  /**
   * Queues the guess notice (no code, no network in it): in the language of the request that
   * spent the budget, as no language is kept per address. The answer to the guess is the same
   * whatever becomes of it.
   */
  private async noticeOwner(
    email: string,
    ctx: ClientContext,
    now: Date,
    audit: Record<string, unknown>,
  ): Promise<void> {
    const event = { event: 'otp.guess_notice', ...audit };
    this.deps.metrics.guessNotices.inc();
    try {
      await this.deps.queue.enqueue({
        kind: 'guess_notice',
        noticeId: randomUUID(),
        email,
        expiresAt: new Date(now.getTime() + NOTICE_LIFETIME_MS).toISOString(),
        locale: resolveLocale(undefined, ctx.acceptLanguage),
        requestId: ctx.requestId,
      });
      this.deps.logger.warn('failure budget spent: owner notice queued', event);
    } catch (err) {
      this.deps.logger.error('owner notice not queued', {
        ...event,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private failed(audit: Record<string, unknown>): never {
    this.deps.metrics.otpVerifications.inc({ result: 'invalid_code' });
    this.deps.logger.info('otp verify failed', { event: 'otp.verify.failed', ...audit });
    throw new AppError('invalid_code');
  }
}
