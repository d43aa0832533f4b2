import type { Logger } from 'winston';
import { AppError } from '../../platform/errors/app-error';
import type { Metrics } from '../../platform/metrics';
import type { Clock } from '../../platform/clock';
import { emailDomain } from '../../platform/email-address';
import type {
  AuthRepositories,
  AuthStore,
  CodeRequestInput,
  CodeRequestOutcome,
  UserRepository,
  VerifyAttemptInput,
  VerifyAttemptOutcome,
} from './auth.ports';
import type { MailQueue } from '../email';
import type { ClientContext, IssuedTokens, SessionService } from './session.service';
import type { CodeHasher } from './otp-code';

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
}

/** Tells whether an address must not be mailed (bounces, complaints); the caller's answer never changes. */
export interface SuppressionCheck {
  isSuppressed(email: string): Promise<boolean>;
  /**
   * Present when the list is the store's own: a store that read it while admitting the
   * request (`CodeRequestOutcome.suppressed`) is then taken at its word, and this is told
   * the answer (to count it) instead of `isSuppressed` being asked.
   */
  readByStore?(suppressed: boolean): void;
}

const HOUR = 3_600_000;

const rateLimited = (retryAfterSeconds: number, detail: string) =>
  new AppError('rate_limited', { detail, retryAfterSeconds });

/**
 * The checks of a code request, in a transaction of the caller's: the address's lock, then the
 * resend cooldown, the caller's IP cap (told), and the hidden per-address and per-domain caps.
 * A SQL store does the same in one statement (`AuthStore.admitCodeRequest`, migration 4); the
 * contract tests hold both to the same cases.
 */
export async function admitCodeRequest(
  tx: AuthRepositories,
  input: CodeRequestInput,
): Promise<CodeRequestOutcome> {
  const { email, now } = input;
  await tx.otps.lockEmail(email);
  const latest = await tx.otps.latestCreatedAt(email);
  const cooldownLeft = latest ? latest.getTime() + input.cooldownSeconds * 1000 - now.getTime() : 0;
  if (cooldownLeft > 0) return { kind: 'cooldown', retryAfterSeconds: cooldownLeft / 1000 };
  const hourAgo = new Date(now.getTime() - HOUR);
  if ((await tx.otps.countCreatedSince({ requestIp: input.requestIp }, hourAgo)) >= input.maxPerIpPerHour) {
    return { kind: 'ip_capped' };
  }
  const emailCapped = (await tx.otps.countCreatedSince({ email }, hourAgo)) >= input.maxPerEmailPerHour;
  const domainCapped =
    (await tx.otps.countCreatedSince({ emailDomain: input.emailDomain }, hourAgo)) >=
    input.maxPerDomainPerHour;
  if (emailCapped || domainCapped) return { kind: 'capped' };
  const otpId = await tx.otps.create({
    email,
    emailDomain: input.emailDomain,
    purpose: 'login',
    requestIp: input.requestIp,
    createdAt: now,
    expiresAt: input.expiresAt,
  });
  return { kind: 'created', otpId };
}

/**
 * A guess counted in a transaction of the caller's (see `AuthStore.countVerifyAttempt`, which a SQL
 * store does in one statement, migration 5; the contract tests hold both to the same cases).
 */
export async function countVerifyAttempt(
  tx: AuthRepositories,
  input: VerifyAttemptInput,
): Promise<VerifyAttemptOutcome> {
  const { email, ip, now } = input;
  await tx.otps.lockEmail(email);
  const hourAgo = new Date(now.getTime() - HOUR);
  for (const [by, max] of [
    [{ ip }, input.maxFailedPerIpPerHour],
    [{ email }, input.maxFailedPerEmailPerHour],
  ] as const) {
    if ((await tx.authFailures.countSince(by, hourAgo)) >= max) {
      const oldest = (await tx.authFailures.oldestSince(by, hourAgo)) ?? now;
      return { kind: 'locked', retryAfterSeconds: (oldest.getTime() + HOUR - now.getTime()) / 1000 };
    }
  }
  const newest = await tx.otps.lockNewest(email, input.activeCodes);
  const live = newest.filter(
    (o) => o.codeHash !== null && !o.consumedAt && o.expiresAt > now && o.attempts < input.maxAttempts,
  );
  await tx.otps.incrementAttempts(live.map((o) => o.id));
  await tx.authFailures.record({ email, ip, at: now });
  return { kind: 'counted', candidates: live.map((o) => ({ id: o.id, codeHash: o.codeHash as string })) };
}

/**
 * The code rules (docs/security.md, rows 1–17). Every budget lives in the database, so restarting
 * an instance or flushing Redis never hands an attacker a fresh one.
 */
export class OtpService {
  constructor(
    private readonly deps: {
      store: AuthStore;
      queue: MailQueue;
      hasher: CodeHasher;
      sessions: SessionService;
      clock: Clock;
      policy: OtpPolicy;
      logger: Logger;
      metrics: Metrics;
      emailHash: (email: string) => string;
      suppressions?: SuppressionCheck;
      /** Whether a NEW address may sign up (the `signups` rollout); never asked for existing users. */
      canSignUp?: (email: string) => boolean | Promise<boolean>;
    },
  ) {}

  /** The store's answer when it read the suppression list in the admission step, else the check's. */
  private async suppressed(email: string, readByStore: boolean | undefined): Promise<boolean> {
    const check = this.deps.suppressions;
    if (!check) return false;
    if (readByStore !== undefined && check.readByStore) {
      check.readByStore(readByStore);
      return readByStore;
    }
    return check.isSuppressed(email);
  }

  /** An existing user always passes; a new address only inside the signups rollout. */
  private async signUpAllowed(users: Pick<UserRepository, 'findByEmail'>, email: string): Promise<boolean> {
    if (!this.deps.canSignUp) return true;
    return (await users.findByEmail(email)) !== undefined || (await this.deps.canSignUp(email));
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
      requestIp: ctx.ip,
      now,
      expiresAt: new Date(now.getTime() + policy.expiryMinutes * 60_000),
      cooldownSeconds: policy.resendCooldownSeconds,
      maxPerIpPerHour: policy.maxPerIpPerHour,
      maxPerEmailPerHour: policy.maxPerEmailPerHour,
      maxPerDomainPerHour: policy.maxPerDomainPerHour,
    };
    const outcome = store.admitCodeRequest
      ? await store.admitCodeRequest(input)
      : await store.transaction((tx) => admitCodeRequest(tx, input));
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
    if (await this.suppressed(email, outcome.suppressed)) {
      metrics.otpRequests.inc({ outcome: 'suppressed' });
      this.deps.logger.info('otp request for suppressed address', { ...audit, outcome: 'suppressed' });
      return;
    }
    // Outside the rollout: the same 202, but no code is minted, so verify cannot create the user.
    if (!(await this.signUpAllowed(this.deps.store.users, email))) {
      metrics.otpRequests.inc({ outcome: 'signup_closed' });
      this.deps.logger.info('otp request outside the signup rollout', { ...audit, outcome: 'signup_closed' });
      return;
    }
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
   * Checks a code and signs in. The guess is counted first (an attempt on every live code, a
   * failure on the address's and the IP's budgets), under the address's lock and committed
   * before the comparison, so no guess is ever free, however they race. A match then consumes
   * the codes, clears the address's failures (this one included) and starts the session in a
   * transaction that re-checks the code: of racing right guesses, one signs in.
   */
  async verify(email: string, code: string, ctx: ClientContext): Promise<IssuedTokens> {
    const { store, clock, policy, hasher, metrics } = this.deps;
    const now = clock.now();
    const input: VerifyAttemptInput = {
      email,
      ip: ctx.ip,
      now,
      activeCodes: policy.activeCodes,
      maxAttempts: policy.maxAttempts,
      maxFailedPerIpPerHour: policy.maxFailedPerIpPerHour,
      maxFailedPerEmailPerHour: policy.maxFailedPerEmailPerHour,
    };
    const counted = store.countVerifyAttempt
      ? await store.countVerifyAttempt(input)
      : await store.transaction((tx) => countVerifyAttempt(tx, input));
    let matchedId: string | undefined;
    if (counted.kind === 'counted') {
      // Every candidate is compared (no early exit): the time does not tell which one matched.
      for (const c of counted.candidates) {
        if (hasher.matches(c.codeHash, c.id, email, code)) matchedId = c.id;
      }
    }
    const outcome =
      counted.kind === 'locked'
        ? { kind: 'locked' as const, retryAfter: counted.retryAfterSeconds }
        : matchedId === undefined
          ? { kind: 'failed' as const }
          : await this.signIn(email, matchedId, now, ctx);
    const audit = { requestId: ctx.requestId, emailHash: this.deps.emailHash(email), ip: ctx.ip };
    if (outcome.kind === 'locked') {
      metrics.otpVerifications.inc({ result: 'rate_limited' });
      metrics.rateLimited.inc({ limit: 'verify_failures' });
      this.deps.logger.warn('otp verify refused: failure budget spent', {
        event: 'otp.verify.locked',
        ...audit,
      });
      throw rateLimited(outcome.retryAfter, 'Too many wrong codes; try again later');
    }
    if (outcome.kind === 'failed') {
      metrics.otpVerifications.inc({ result: 'invalid_code' });
      this.deps.logger.info('otp verify failed', { event: 'otp.verify.failed', ...audit });
      throw new AppError('invalid_code');
    }
    metrics.otpVerifications.inc({ result: 'success' });
    metrics.sessionsCreated.inc();
    this.deps.logger.info('otp verify succeeded', {
      event: 'otp.verify.succeeded',
      ...audit,
      userId: outcome.user.id,
      sessionId: outcome.session.id,
    });
    return this.deps.sessions.issue(outcome.user, outcome.session, outcome.refreshToken);
  }

  /** The sign-in after a match, if the matched code is still live (a racing guess may have used it). */
  private signIn(email: string, otpId: string, now: Date, ctx: ClientContext) {
    return this.deps.store.transaction(async (tx) => {
      await tx.otps.lockEmail(email);
      const newest = await tx.otps.lockNewest(email, this.deps.policy.activeCodes);
      const code = newest.find((o) => o.id === otpId);
      if (!code || code.consumedAt || code.expiresAt <= now) return { kind: 'failed' as const };
      if (!(await this.signUpAllowed(tx.users, email))) return { kind: 'failed' as const };
      await tx.otps.consumeAll(email, now);
      await tx.authFailures.clearForEmail(email);
      const user = await tx.users.upsertOnLogin(email, now);
      const { session, refreshToken } = await this.deps.sessions.start(tx, user, ctx);
      return { kind: 'ok' as const, user, session, refreshToken };
    });
  }
}
