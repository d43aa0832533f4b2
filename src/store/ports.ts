/**
 * The interfaces the domain depends on. Repositories return plain objects and turn driver
 * errors into UnavailableError / ConflictError; services never see a driver.
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

export interface Repositories {
  users: UserRepository;
  otps: OtpRepository;
  authFailures: AuthFailureRepository;
  sessions: SessionRepository;
  refreshTokens: RefreshTokenRepository;
  suppressions: SuppressionRepository;
  emailMessages: EmailMessageRepository;
  emailEvents: EmailEventRepository;
  ipRules: IpRuleRepository;
}

export type SuppressionReason = 'bounce' | 'dropped' | 'spamreport' | 'complaint' | 'manual';

/** An address that must not be mailed, and why. `source` is the provider that reported it, or `admin`. */
export interface Suppression {
  email: string;
  reason: SuppressionReason;
  source: string;
  createdAt: Date;
}

export interface SuppressionRepository {
  /** Adds the address; an existing entry is kept as it is. True when the address was newly added. */
  add(suppression: Suppression): Promise<boolean>;
  remove(email: string): Promise<boolean>;
  find(email: string): Promise<Suppression | undefined>;
  /** Newest first; `before` is the last entry of the previous page. */
  list(options: { limit: number; before?: { createdAt: Date; email: string } }): Promise<Suppression[]>;
}

export type EmailMessageStatus =
  'queued' | 'sent' | 'delivered' | 'deferred' | 'bounced' | 'dropped' | 'opened' | 'failed';

/** One email handed to (or refused by) a provider, and what became of it. */
export interface EmailMessage {
  id: string;
  otpId: string | null;
  email: string;
  provider: string;
  providerMessageId: string | null;
  status: EmailMessageStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface EmailMessageRepository {
  create(message: Omit<EmailMessage, 'id' | 'updatedAt'>): Promise<EmailMessage>;
  findById(id: string): Promise<EmailMessage | undefined>;
  /** The newest message a provider knows by this id. */
  findByProviderMessageId(provider: string, providerMessageId: string): Promise<EmailMessage | undefined>;
  /**
   * Moves the status only from one of `from` (compare-and-set), so late or reordered webhook
   * events never move a message backwards. False when the message was in another state.
   */
  advanceStatus(id: string, to: EmailMessageStatus, from: EmailMessageStatus[], at: Date): Promise<boolean>;
  listRecentForEmail(email: string, limit: number): Promise<EmailMessage[]>;
  deleteBefore(before: Date): Promise<number>;
}

/** A provider's webhook event, kept once per provider event id. */
export interface EmailEvent {
  provider: string;
  providerEventId: string;
  messageId: string | null;
  type: string;
  occurredAt: Date;
}

export interface EmailEventRepository {
  /** Stores the event unless this provider already reported this event id; true when it is new. */
  recordOnce(event: EmailEvent): Promise<boolean>;
  listForMessages(messageIds: string[]): Promise<EmailEvent[]>;
  deleteBefore(before: Date): Promise<number>;
}

/** An admin-managed IP rule; `cidr` is canonical (`203.0.113.0/24`, `198.51.100.7/32`, `2001:db8::/32`). */
export interface IpRule {
  id: string;
  cidr: string;
  action: 'allow' | 'deny';
  note: string | null;
  createdAt: Date;
}

export interface IpRuleRepository {
  /** Every rule, oldest first: the whole set is held in memory by each instance. */
  list(): Promise<IpRule[]>;
  /** Adds the rule; the same cidr and action already stored is returned as it is, with created false. */
  create(rule: Omit<IpRule, 'id'>): Promise<{ rule: IpRule; created: boolean }>;
  delete(id: string): Promise<boolean>;
}

/** The common refresh, done by the store in one step (see `Store.rotateRefreshToken`). */
export interface RotationInput {
  tokenHash: string;
  successorHash: string;
  now: Date;
  /** The idle expiry to set; the session's absolute expiry still caps it. */
  idleExpiresAt: Date;
}

/** A code request, checked against the rules of PRODUCT.md "Codes" (see `Store.admitCodeRequest`). */
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

/** One guess at a code, counted before it is compared (see `Store.countVerifyAttempt`). */
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

/** A storage backend: repositories plus a unit of work whose repositories share one transaction. */
export interface Store extends Repositories {
  readonly kind: 'pglite' | 'postgres' | 'mongo';
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
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
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per message so a retry is not sent twice where the provider supports it. */
  idempotencyKey: string;
}

/** What a provider answered: its message id, and which provider it was (a fallback may have sent it). */
export interface SendResult {
  messageId?: string;
  provider?: string;
}

/** A transport that delivers one message. Throws MailError on failure. */
export interface Mailer {
  readonly name: string;
  send(message: OutgoingEmail): Promise<SendResult>;
  close?(): Promise<void>;
}

export interface MailJob {
  otpId: string;
  email: string;
  expiresAt: string;
  locale: string;
  /** The id of the request that asked for the code, so delivery lines can be joined to it. */
  requestId?: string;
}

/** Email jobs, off the request path. */
export interface MailQueue {
  enqueue(job: MailJob): Promise<void>;
  /** Resolves when every queued job has been sent or given up (tests, shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}
