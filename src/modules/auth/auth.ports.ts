import type { Aal, MfaRepository } from './mfa.ports';

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
  /** Assurance level (docs/api.md, "Second factor"); absent = aal1. */
  aal?: Aal;
  /** The last sign-in or step-up; null or absent = the sign-in (createdAt). */
  authenticatedAt?: Date | null;
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
  /**
   * Erases the user, atomically: the user and everything held under their id (sessions and
   * their refresh tokens, known devices, factors, recovery codes) and under their address
   * (codes, failures, the guess-notice mark). False when there was no such user.
   */
  delete(id: string): Promise<boolean>;
  /**
   * Moves the user to a new address (normalised by the caller): `taken` when another user has
   * it (the unique index decides, so a race cannot give one address to two users).
   */
  changeEmail(id: string, email: string): Promise<'changed' | 'taken' | 'not_found'>;
  count(): Promise<number>;
}

/**
 * The code table. The rules that lock and change codes (admission, guess counting, the
 * consume at sign-in) are the store's own (`AuthStore`), so this port holds only what the
 * mail worker, the sweep and inspection need.
 */
export interface OtpRepository {
  create(otp: NewOtp): Promise<string>;
  /**
   * Stores the minted code's hash, and its sign-in link's hash or null (no link), while the code
   * is still pending; false if it was consumed or expired meanwhile. A retry overwrites both.
   */
  setCodeHash(id: string, codeHash: string, now: Date, linkHash?: string | null): Promise<boolean>;
  /**
   * The code row a sign-in link's hash names, while it is pending (not consumed) and unexpired
   * at `now`; a plain read. The sign-in itself re-checks under the rows' locks (`signIn`).
   */
  findByLinkHash(linkHash: string, now: Date): Promise<{ id: string; email: string } | undefined>;
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

/** The devices (keyed fingerprints, device.ts) each user has signed in from. */
export interface KnownDeviceRepository {
  /**
   * Records a sign-in from the device. `isNew`: the user had not signed in from it before;
   * `firstDevice`: the user had no known device at all (the account's first sign-in).
   */
  remember(userId: string, fingerprint: string, now: Date): Promise<{ isNew: boolean; firstDevice: boolean }>;
  /** Forgets the devices not signed in from since `before` (the sweep: a year). */
  forgetBefore(before: Date): Promise<number>;
}

/** The used single-use links of the new-sign-in email (each a random id inside the signed token). */
export interface SessionLinkRepository {
  /** Records the link as used until `expiresAt`; false when it was used already. */
  claim(linkId: string, expiresAt: Date): Promise<boolean>;
  deleteExpired(now: Date): Promise<number>;
}

/** The repositories of the login module, as one transaction sees them. */
export interface AuthRepositories {
  knownDevices: KnownDeviceRepository;
  sessionLinks: SessionLinkRepository;
  users: UserRepository;
  otps: OtpRepository;
  authFailures: AuthFailureRepository;
  sessions: SessionRepository;
  refreshTokens: RefreshTokenRepository;
  mfa: MfaRepository;
}

export type * from './auth-store.ports';
export type * from './mfa.ports';
