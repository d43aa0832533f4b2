/**
 * The login module's ports: the records and repositories of users, codes, failures, sessions
 * and refresh tokens, and the store operations that carry the login rules. Repositories return
 * plain objects and turn driver errors into UnavailableError / ConflictError.
 */

export interface User {
  id: string;
  email: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface OtpRecord {
  id: string;
  email: string;
  /** Null until the mail worker mints the code: the queue never holds a code in clear. */
  codeHash: string | null;
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
}

export interface NewOtp {
  email: string;
  emailDomain: string;
  purpose: 'login';
  requestIp: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface Session {
  id: string;
  userId: string;
  ip: string | null;
  userAgent: string | null;
  deviceFingerprint: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  /** Idle expiry: last refresh + SESSION_EXPIRY_HOURS, capped by absoluteExpiresAt. */
  expiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  sessionId: string;
  parentHash: string | null;
  createdAt: Date;
  rotatedAt: Date | null;
}

export interface UserRepository {
  findById(id: string): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  /** Creates the user on first login or stamps lastLoginAt; a racing first login re-reads, never fails. */
  upsertOnLogin(email: string, now: Date): Promise<User>;
  list(options: { limit: number; after?: { createdAt: Date; id: string } }): Promise<User[]>;
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
}

/**
 * The code table. The rules that lock and change codes (admission, guess counting, the
 * consume at sign-in) are the store's own (`AuthStore`), so this port holds only what the
 * mail worker, the sweep and inspection need.
 */
export interface OtpRepository {
  create(otp: NewOtp): Promise<string>;
  /** Stores the minted code's hash while the code is still pending; false if it was consumed or expired meanwhile. */
  setCodeHash(id: string, codeHash: string, now: Date): Promise<boolean>;
  latestCreatedAt(email: string): Promise<Date | undefined>;
  countCreatedSince(
    by: { email?: string; requestIp?: string; emailDomain?: string },
    since: Date,
  ): Promise<number>;
  /** The newest `limit` codes of an email, newest first (a plain read: nothing is locked). */
  listNewest(email: string, limit: number): Promise<OtpRecord[]>;
  deleteStale(before: Date): Promise<number>;
}

export interface AuthFailureRepository {
  /** `email: null`: a guess at an address with no live code, which spends only the IP's budget. */
  record(failure: { email: string | null; ip: string; at: Date }): Promise<void>;
  countSince(by: { email?: string; ip?: string }, since: Date): Promise<number>;
  /** Drops the failures older than `before`, and the marks of guess notices sent before it. */
  deleteBefore(before: Date): Promise<number>;
}

export interface SessionRepository {
  create(session: Omit<Session, 'revokedAt' | 'revokedReason'>): Promise<Session>;
  /**
   * `primary`: what the primary has committed, whatever MONGODB_READ_PREFERENCE says (a
   * secondary may lag behind a revocation); the only read a cache may be filled from. The SQL
   * stores always read their one server.
   */
  findById(id: string, options?: { primary?: boolean }): Promise<Session | undefined>;
  revoke(id: string, at: Date, reason: string): Promise<boolean>;
  revokeAllForUser(userId: string, at: Date, reason: string): Promise<number>;
  listActiveForUser(
    userId: string,
    now: Date,
    options: { limit: number; after?: { createdAt: Date; id: string } },
  ): Promise<Session[]>;
  count(filter: { activeAt?: Date }): Promise<number>;
  deleteExpired(before: Date): Promise<number>;
}

export interface RefreshTokenRepository {
  insert(record: RefreshTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  findChild(parentHash: string): Promise<RefreshTokenRecord | undefined>;
}

/** The repositories of the login module, as one transaction sees them. */
export interface AuthRepositories {
  users: UserRepository;
  otps: OtpRepository;
  authFailures: AuthFailureRepository;
  sessions: SessionRepository;
  refreshTokens: RefreshTokenRepository;
}

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
  | { kind: 'counted'; candidates: Array<{ id: string; codeHash: string }>; ownerNotice: boolean };

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
