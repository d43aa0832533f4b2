import { randomBytes, randomUUID } from 'node:crypto';
import type { EmailMessage, EmailMessageStatus } from '../../src/modules/email/email.ports';
import type { NewOtp, RefreshTokenRecord, Session, SignInInput } from '../../src/modules/auth/auth.ports';

/**
 * Builders shared by the contract suites. Tests share one store per adapter and never depend
 * on each other: each uses its own emails, IPs and domains. Methods that act on the whole
 * table (list, count, delete*) use their own time windows (far past or far future) so other
 * tests' rows cannot change their answers.
 */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const hex = (bytes = 6) => randomBytes(bytes).toString('hex');
export const uniqueDomain = () => `d${hex()}.example.com`;
export const uniqueEmail = (tag: string, domain = uniqueDomain()) => `${tag}-${hex()}@${domain}`;
export const uniqueIp = () => `10.${[...randomBytes(3)].join('.')}`;
export const tokenHash = () => hex(32);
/** A whole second, now: every adapter stores it exactly. */
export const now = () => new Date(Math.floor(Date.now() / SECOND) * SECOND);
export const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
/** A random instant inside [from, from + span): one test's private window. */
export const windowIn = (fromYear: number, spanYears: number) =>
  new Date(Date.UTC(fromYear, 0, 1) + Math.floor(Math.random() * spanYears * 365) * DAY);

export function newOtp(overrides: Partial<NewOtp> = {}): NewOtp {
  const email = overrides.email ?? uniqueEmail('otp');
  const createdAt = overrides.createdAt ?? now();
  return {
    email,
    emailDomain: email.slice(email.lastIndexOf('@') + 1),
    purpose: 'login',
    requestIp: uniqueIp(),
    createdAt,
    expiresAt: plus(createdAt, 10 * MINUTE),
    ...overrides,
  };
}

export function newSession(userId: string, overrides: Partial<Session> = {}) {
  const createdAt = overrides.createdAt ?? now();
  return {
    id: randomUUID(),
    userId,
    ip: '203.0.113.7',
    userAgent: 'contract-test/1.0',
    deviceFingerprint: hex(16),
    createdAt,
    lastUsedAt: createdAt,
    expiresAt: plus(createdAt, 24 * HOUR),
    absoluteExpiresAt: plus(createdAt, 30 * DAY),
    ...overrides,
  };
}

export function newRefresh(
  sessionId: string,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord {
  return {
    tokenHash: tokenHash(),
    sessionId,
    parentHash: null,
    createdAt: now(),
    rotatedAt: null,
    ...overrides,
  };
}

export function newMessage(overrides: Partial<Omit<EmailMessage, 'id' | 'updatedAt'>> = {}) {
  return {
    otpId: randomUUID(),
    email: uniqueEmail('msg'),
    provider: 'sendgrid',
    providerMessageId: `pm-${hex()}`,
    status: 'sent' as EmailMessageStatus,
    createdAt: now(),
    ...overrides,
  };
}

export const byCreatedThenId = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A sign-in of `otpId` with a fresh session, as SignInUseCase builds it. */
export function signInInput(
  email: string,
  otpId: string,
  at: Date,
  overrides: Partial<SignInInput> = {},
): SignInInput {
  const { userId: _userId, ...session } = newSession('', { createdAt: at });
  return { email, otpId, now: at, mayCreateUser: true, session, refreshTokenHash: tokenHash(), ...overrides };
}
