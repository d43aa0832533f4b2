/**
 * The login rules a store states once per family (PL/pgSQL for PostgreSQL and PGlite, a
 * transaction for MongoDB): their inputs, outcomes and the `AuthStore` that runs them.
 */
import type { AuthRepositories, Session, User } from './auth.ports';

/** A refresh (see `AuthStore.rotateRefreshToken`). */
export interface RotationInput {
  tokenHash: string;
  /** The child to store; derived from the token, so a retry inside the grace window names the same one. */
  successorHash: string;
  now: Date;
  /** The idle expiry to set; the session's absolute expiry still caps it. */
  idleExpiresAt: Date;
  /** How long after its rotation a token may still be presented (two tabs, a lost answer). */
  graceSeconds: number;
}

/** What became of a refresh: rotated (or replayed inside the grace window), reused, expired or unknown. */
export type RotationOutcome =
  | { kind: 'ok'; session: Session; user: User }
  | { kind: 'reused'; sessionId: string; userId: string }
  | { kind: 'expired' }
  | { kind: 'invalid' };

/** A code request, checked against the code rules of docs/api.md (see `AuthStore.admitCodeRequest`). */
export interface CodeRequestInput {
  email: string;
  emailDomain: string;
  requestIp: string;
  now: Date;
  expiresAt: Date;
  cooldownSeconds: number;
  maxPerIpPerHour: number;
  maxPerEmailPerHour: number;
  maxPerDomainPerHour: number;
}

/** What became of a code request: refused by a rule, or a new code row. */
export type CodeRequestOutcome =
  | { kind: 'cooldown'; retryAfterSeconds: number }
  | { kind: 'ip_capped' }
  | { kind: 'capped' }
  /** `suppressed`: the address is on the suppression list, read in the same step. */
  | { kind: 'created'; otpId: string; suppressed: boolean };

/** One guess at a code, counted before it is compared (see `AuthStore.countVerifyAttempt`). */
export interface VerifyAttemptInput {
  email: string;
  ip: string;
  now: Date;
  /** How many of the address's newest codes are candidates. */
  activeCodes: number;
  maxAttempts: number;
  maxFailedPerIpPerHour: number;
  maxFailedPerEmailPerHour: number;
}

/**
 * Refused (a failure budget is spent), or counted, with the live codes to compare against.
 * `ownerNotice`: this guess spent the address's budget and no notice went out in the last
 * hour, so the caller mails the address's owner one (the store has marked it sent).
 */
export type VerifyAttemptOutcome =
  | { kind: 'locked'; retryAfterSeconds: number }
  | {
      kind: 'counted';
      /** Each live code; `createdAt` (when it was requested) feeds the request-to-verify figure. */
      candidates: Array<{ id: string; codeHash: string; createdAt?: Date }>;
      ownerNotice: boolean;
    };

/** A sign-in after a code matched (see `AuthStore.signIn`). */
export interface SignInInput {
  email: string;
  /** The code that matched: one of the candidates `countVerifyAttempt` returned. */
  otpId: string;
  now: Date;
  /** Whether a new address may become a user (the `signups` rollout); an existing user always may. */
  mayCreateUser: boolean;
  /** The new session; the store fills in the user's id. */
  session: Omit<Session, 'userId' | 'revokedAt' | 'revokedReason'>;
  refreshTokenHash: string;
}

export type SignInOutcome =
  | { kind: 'signed_in'; user: User; session: Session }
  /** A racing sign-in consumed the code first (or it expired): the guess stays a failure. */
  | { kind: 'code_used' }
  /** A new address outside the signups rollout: nothing is written, the guess stays a failure. */
  | { kind: 'signup_closed' };

/**
 * What the login module needs of a store: its repositories and the four operations that carry
 * the login rules. Each operation is implemented once per store family: PL/pgSQL functions
 * for PostgreSQL and PGlite (src/store/sql/migrations.ts, called from
 * repositories/sql/login-rules.ts), a transaction for MongoDB (repositories/mongo/login-rules.ts).
 * tests/contract/{admit-code-request,count-verify-attempt,sign-in,rotate-refresh-token}.suite.ts
 * hold both families to the same cases.
 */
export interface AuthStore extends AuthRepositories {
  /**
   * A code request, atomically: under the address's lock, the resend cooldown, the IP's
   * hourly cap and the hidden per-address and per-domain caps are checked (the per-domain
   * cap only for an address with no account) and, if none applies, the code row is created
   * and the suppression list read for the address.
   */
  admitCodeRequest(input: CodeRequestInput): Promise<CodeRequestOutcome>;
  /**
   * A guess at a code, counted and committed before the caller compares it: under the
   * address's lock, refused if the IP's or the address's failure budget is spent; otherwise
   * one attempt is added to each live code and one failure recorded for the IP and, if the
   * address has a live code, for the address (a guess with nothing to match spends nothing of
   * the owner's budget), and the live codes come back. A live code: minted (has a hash), not
   * consumed, not expired at `now`, fewer than `maxAttempts` attempts, among the address's
   * `activeCodes` newest. The guess that spends the address's budget asks for an owner
   * notice, at most once an hour per address.
   */
  countVerifyAttempt(input: VerifyAttemptInput): Promise<VerifyAttemptOutcome>;
  /**
   * The sign-in after a match, atomically: if the matched code is still pending and unexpired
   * (of racing right guesses, exactly one finds it so) and the address may sign in, every
   * pending code of the address is consumed, its failures cleared (this guess's included),
   * the user created or stamped, and the session and its first refresh token stored.
   * Otherwise nothing is written.
   */
  signIn(input: SignInInput): Promise<SignInOutcome>;
  /**
   * A refresh, atomically: a current token of a live session is stamped rotated, its child
   * stored and the session touched; a token rotated at most `graceSeconds` ago whose child is
   * still current gets the session touched again (the caller hands out the same successor);
   * any other reuse revokes the session (committed, though the caller then fails).
   */
  rotateRefreshToken(input: RotationInput): Promise<RotationOutcome>;
}
