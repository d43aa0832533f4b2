import type {
  AuthStore,
  CodeRequestInput,
  CodeRequestOutcome,
  OtpRecord,
  RotationInput,
  RotationOutcome,
  SignInInput,
  SignInOutcome,
  VerifyAttemptInput,
  VerifyAttemptOutcome,
} from '../../auth.ports';
import type { MongoOps } from '../../../../platform/mongo/mongo-ops';
import {
  createMongoKnownDeviceRepository,
  createMongoSessionLinkRepository,
} from './known-device.repository';
import { guardRepository } from '../../../../platform/mongo/mongo-guard';
import { createMongoAuthFailureRepository, createMongoOtpRepository } from './otp.repository';
import { createMongoRefreshTokenRepository, createMongoSessionRepository } from './session.repository';
import { createMongoUserRepository } from './user.repository';

const HOUR = 3_600_000;

/**
 * The login rules on MongoDB: each is one multi-document transaction (snapshot reads, a write
 * to the email's lock document or to the locked rows as the lock; a conflicting transaction
 * reruns). The PL/pgSQL implementation of the same rules, for PostgreSQL and PGlite, is
 * src/modules/auth/repositories/sql/login-rules.ts (functions in src/store/sql/migrations.ts);
 * the suites
 * tests/contract/{admit-code-request,count-verify-attempt,sign-in,rotate-refresh-token}.suite.ts
 * hold both to the same cases.
 */
export function createMongoLoginRules(
  ops: MongoOps,
): Pick<AuthStore, 'admitCodeRequest' | 'countVerifyAttempt' | 'signIn' | 'rotateRefreshToken'> {
  return {
    admitCodeRequest: (input) => ops.atomically((tx) => admitCodeRequest(tx, input)),
    countVerifyAttempt: (input) => ops.atomically((tx) => countVerifyAttempt(tx, input)),
    signIn: (input) => ops.atomically((tx) => signIn(tx, input)),
    rotateRefreshToken: (input) => ops.atomically((tx) => rotateRefreshToken(tx, input)),
  };
}

/** The repositories with their MongoDB-only steps, each behind the operator guard. */
export function mongoAuthRepositories(ops: MongoOps) {
  return {
    users: guardRepository('users', createMongoUserRepository(ops)),
    otps: guardRepository('otps', createMongoOtpRepository(ops)),
    authFailures: guardRepository('authFailures', createMongoAuthFailureRepository(ops)),
    sessions: guardRepository('sessions', createMongoSessionRepository(ops)),
    refreshTokens: guardRepository('refreshTokens', createMongoRefreshTokenRepository(ops)),
    knownDevices: guardRepository('knownDevices', createMongoKnownDeviceRepository(ops)),
    sessionLinks: guardRepository('sessionLinks', createMongoSessionLinkRepository(ops)),
  };
}

/** A live code: minted, not consumed, not expired, with attempts left (SQL: otp_count_verify_attempt). */
const isLive = (o: OtpRecord, now: Date, maxAttempts: number) =>
  o.codeHash !== null && !o.consumedAt && o.expiresAt > now && o.attempts < maxAttempts;

export async function admitCodeRequest(ops: MongoOps, input: CodeRequestInput): Promise<CodeRequestOutcome> {
  const { otps, users } = mongoAuthRepositories(ops);
  const { email, now } = input;
  await otps.lockEmail(email);
  const latest = await otps.latestCreatedAt(email);
  const cooldownLeft = latest ? latest.getTime() + input.cooldownSeconds * 1000 - now.getTime() : 0;
  if (cooldownLeft > 0) return { kind: 'cooldown', retryAfterSeconds: cooldownLeft / 1000 };
  const hourAgo = new Date(now.getTime() - HOUR);
  if ((await otps.countCreatedSince({ requestIp: input.requestIp }, hourAgo)) >= input.maxPerIpPerHour) {
    return { kind: 'ip_capped' };
  }
  if ((await otps.countCreatedSince({ email }, hourAgo)) >= input.maxPerEmailPerHour)
    return { kind: 'capped' };
  // The per-domain cap never stops a code for an address that has an account (asked first:
  // past the cap a domain's users keep adding codes, so its count only grows).
  if (
    (await users.findByEmail(email)) === undefined &&
    (await otps.countCreatedSince({ emailDomain: input.emailDomain }, hourAgo)) >= input.maxPerDomainPerHour
  ) {
    return { kind: 'capped' };
  }
  const otpId = await otps.create({
    email,
    emailDomain: input.emailDomain,
    purpose: 'login',
    requestIp: input.requestIp,
    createdAt: now,
    expiresAt: input.expiresAt,
  });
  // The email module's list, read in the same transaction (SQL: an EXISTS beside the call).
  const suppressed =
    (await ops.findOne('suppressions', { email }, { projection: { email: 1 } })) !== undefined;
  return { kind: 'created', otpId, suppressed };
}

export async function countVerifyAttempt(
  ops: MongoOps,
  input: VerifyAttemptInput,
): Promise<VerifyAttemptOutcome> {
  const { otps, authFailures } = mongoAuthRepositories(ops);
  const { email, ip, now } = input;
  await otps.lockEmail(email);
  const hourAgo = new Date(now.getTime() - HOUR);
  for (const [by, max] of [
    [{ ip }, input.maxFailedPerIpPerHour],
    [{ email }, input.maxFailedPerEmailPerHour],
  ] as const) {
    if ((await authFailures.countSince(by, hourAgo)) >= max) {
      const oldest = (await authFailures.oldestSince(by, hourAgo)) ?? now;
      return { kind: 'locked', retryAfterSeconds: (oldest.getTime() + HOUR - now.getTime()) / 1000 };
    }
  }
  const live = (await otps.lockNewest(email, input.activeCodes)).filter((o) =>
    isLive(o, now, input.maxAttempts),
  );
  // Nothing to match: the IP's failure, not the address's (an idle address cannot be locked).
  if (live.length === 0) {
    await authFailures.record({ email: null, ip, at: now });
    return { kind: 'counted', candidates: [], ownerNotice: false };
  }
  await otps.incrementAttempts(live.map((o) => o.id));
  await authFailures.record({ email, ip, at: now });
  // The guess that spends the budget asks for a notice, unless the address must not be mailed.
  const ownerNotice =
    (await authFailures.countSince({ email }, hourAgo)) >= input.maxFailedPerEmailPerHour &&
    (await ops.findOne('suppressions', { email }, { projection: { email: 1 } })) === undefined &&
    (await otps.claimGuessNotice(email, now));
  return {
    kind: 'counted',
    candidates: live.map((o) => ({ id: o.id, codeHash: o.codeHash as string, createdAt: o.createdAt })),
    ownerNotice,
  };
}

export async function signIn(ops: MongoOps, input: SignInInput): Promise<SignInOutcome> {
  const { users, otps, authFailures, sessions, refreshTokens } = mongoAuthRepositories(ops);
  const { email, now } = input;
  if (!input.mayCreateUser && (await users.findByEmail(email)) === undefined)
    return { kind: 'signup_closed' };
  // The claim: of racing sign-ins one moves the code from pending to consumed; the others'
  // writes conflict, rerun, and find it consumed.
  if (!(await otps.consumeIfPending(input.otpId, now))) return { kind: 'code_used' };
  await otps.consumeAll(email, now);
  await authFailures.clearForEmail(email);
  const user = await users.upsertOnLogin(email, now);
  const session = await sessions.create({ ...input.session, userId: user.id });
  await refreshTokens.insert({
    tokenHash: input.refreshTokenHash,
    sessionId: session.id,
    parentHash: null,
    createdAt: input.session.createdAt,
    rotatedAt: null,
  });
  return { kind: 'signed_in', user, session };
}

export async function rotateRefreshToken(ops: MongoOps, input: RotationInput): Promise<RotationOutcome> {
  const { users, sessions, refreshTokens } = mongoAuthRepositories(ops);
  const { tokenHash, now } = input;
  const record = await refreshTokens.lockByHash(tokenHash);
  if (!record) return { kind: 'invalid' };
  const session = await sessions.lockById(record.sessionId);
  if (!session || session.revokedAt) return { kind: 'invalid' };
  if (session.expiresAt <= now || session.absoluteExpiresAt <= now) return { kind: 'expired' };
  if (!record.rotatedAt) {
    await refreshTokens.markRotated(tokenHash, now);
    await refreshTokens.insert({
      tokenHash: input.successorHash,
      sessionId: session.id,
      parentHash: tokenHash,
      createdAt: now,
      rotatedAt: null,
    });
  } else {
    const child = await refreshTokens.findChild(tokenHash);
    const withinGrace = now.getTime() - record.rotatedAt.getTime() <= input.graceSeconds * 1000;
    if (!withinGrace || !child || child.rotatedAt) {
      await sessions.revoke(session.id, now, 'refresh_token_reused');
      return { kind: 'reused', sessionId: session.id, userId: session.userId };
    }
  }
  const expiresAt = new Date(Math.min(input.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime()));
  await sessions.touch(session.id, now, expiresAt);
  const user = await users.findById(session.userId);
  if (!user) return { kind: 'invalid' };
  return { kind: 'ok', user, session: { ...session, lastUsedAt: now, expiresAt } };
}
