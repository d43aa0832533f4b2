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

export interface OtpRepository {
  /** Serialises /request and /verify for one email inside a transaction (cooldown and budget checks). */
  lockEmail(email: string): Promise<void>;
  create(otp: NewOtp): Promise<string>;
  /** Stores the minted code's hash while the code is still pending; false if it was consumed or expired meanwhile. */
  setCodeHash(id: string, codeHash: string, now: Date): Promise<boolean>;
  latestCreatedAt(email: string): Promise<Date | undefined>;
  countCreatedSince(
    by: { email?: string; requestIp?: string; emailDomain?: string },
    since: Date,
  ): Promise<number>;
  /** The newest `limit` codes of an email, locked for update, newest first. */
  lockNewest(email: string, limit: number): Promise<OtpRecord[]>;
  incrementAttempts(ids: string[]): Promise<void>;
  consumeAll(email: string, now: Date): Promise<number>;
  deleteStale(before: Date): Promise<number>;
}

export interface AuthFailureRepository {
  record(failure: { email: string; ip: string; at: Date }): Promise<void>;
  countSince(by: { email?: string; ip?: string }, since: Date): Promise<number>;
  oldestSince(by: { email?: string; ip?: string }, since: Date): Promise<Date | undefined>;
  clearForEmail(email: string): Promise<void>;
  deleteBefore(before: Date): Promise<number>;
}

export interface SessionRepository {
  create(session: Omit<Session, 'revokedAt' | 'revokedReason'>): Promise<Session>;
  findById(id: string): Promise<Session | undefined>;
  lockById(id: string): Promise<Session | undefined>;
  touch(id: string, lastUsedAt: Date, expiresAt: Date): Promise<void>;
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
  /** Finds a token by hash and locks it for update. */
  lockByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  findChild(parentHash: string): Promise<RefreshTokenRecord | undefined>;
  markRotated(tokenHash: string, at: Date): Promise<void>;
}

/** The repositories of the login module, as one transaction sees them. */
export interface AuthRepositories {
  users: UserRepository;
  otps: OtpRepository;
  authFailures: AuthFailureRepository;
  sessions: SessionRepository;
  refreshTokens: RefreshTokenRepository;
}

/** The common refresh, done by the store in one step (see `AuthStore.rotateRefreshToken`). */
export interface RotationInput {
  tokenHash: string;
  successorHash: string;
  now: Date;
  /** The idle expiry to set; the session's absolute expiry still caps it. */
  idleExpiresAt: Date;
}

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
  | {
      kind: 'created';
      otpId: string;
      /**
       * Whether the address is on the suppression list, when the store read it in the same
       * step (the SQL stores); absent when the caller must ask (`SuppressionCheck`).
       */
      suppressed?: boolean;
    };

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

/** Refused (a failure budget is spent), or counted, with the live codes to compare against. */
export type VerifyAttemptOutcome =
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'counted'; candidates: Array<{ id: string; codeHash: string }> };

/** What the login module needs of a store: its repositories, a unit of work, and its one-step rules. */
export interface AuthStore extends AuthRepositories {
  transaction<T>(work: (tx: AuthRepositories) => Promise<T>): Promise<T>;
  /**
   * The common case of a refresh as one atomic statement: when `tokenHash` is a current (never
   * rotated) token of a live session, stamps it rotated, inserts `successorHash` as its child,
   * moves the session's lastUsedAt/expiresAt, and returns the session and its user. Otherwise
   * (unknown, rotated, revoked, expired) it changes nothing and returns undefined, and the
   * caller classifies the token in a transaction. Optional: a store without it (MongoDB, whose
   * multi-document transaction does the same work either way) always takes the transaction.
   */
  rotateRefreshToken?(input: RotationInput): Promise<{ session: Session; user: User } | undefined>;
  /**
   * A code request in one step: under the address's lock, the cooldown and the hourly caps
   * are checked and, if none applies, the code row is created. Optional: without it, the
   * caller runs the same checks in a transaction (MongoDB).
   */
  admitCodeRequest?(input: CodeRequestInput): Promise<CodeRequestOutcome>;
  /**
   * A guess at a code, counted in one step before the caller compares it: under the address's
   * lock, refused if the IP's or the address's failure budget is spent; otherwise one attempt
   * is added to each live code and one failure recorded for the address and IP, and the live
   * codes come back. A match then consumes the codes and clears the address's failures, this
   * one included. Optional: without it, the caller runs the same steps in a transaction.
   */
  countVerifyAttempt?(input: VerifyAttemptInput): Promise<VerifyAttemptOutcome>;
}
