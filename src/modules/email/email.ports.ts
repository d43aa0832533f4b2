/** The email module's ports: suppressions, message and event history, transports and the mail queue. */

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
  /** Forgets an address's delivery history: its messages and their events (an erased account). */
  deleteForEmail(email: string): Promise<number>;
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

/** A code email: the worker mints the code for the pending row `otpId`. */
export interface CodeMailJob {
  /** Absent on jobs queued before notices existed. */
  kind?: 'code';
  otpId: string;
  email: string;
  expiresAt: string;
  locale: string;
  /** The id of the request that asked for the code, so delivery lines can be joined to it. */
  requestId?: string;
}

/** A notice to an address's owner that its codes are being guessed at; it holds no code. */
export interface GuessNoticeJob {
  kind: 'guess_notice';
  /** Unique per notice: the queue's job id and the provider's idempotency key. */
  noticeId: string;
  email: string;
  /** Past this the notice is dropped rather than sent late. */
  expiresAt: string;
  locale: string;
  requestId?: string;
}

/**
 * A sign-in from a device the user had not signed in from: what a person can recognise (no
 * full address), and the signed single-use link that revokes that session.
 */
export interface NewDeviceJob {
  kind: 'new_device';
  noticeId: string;
  email: string;
  expiresAt: string;
  locale: string;
  browser: string | null;
  os: string | null;
  /** The /24 or /64 the sign-in came from. */
  network: string;
  signedInAt: string;
  /** Revokes only that session, once, until it expires; never logged. */
  revokeUrl: string;
  requestId?: string;
}

/** To an account's old address, after the account's address was changed (it holds no link). */
export interface EmailChangedJob {
  kind: 'email_changed';
  noticeId: string;
  /** The OLD address: the one being told. */
  email: string;
  expiresAt: string;
  locale: string;
  /** The new address, masked (`jo***@example.org`). */
  newAddressMasked: string;
  requestId?: string;
}

/** A job that carries a notice (rendered from the job alone), not a code. */
export type NoticeJob = GuessNoticeJob | NewDeviceJob | EmailChangedJob;
export type MailJob = CodeMailJob | NoticeJob;

export const isNoticeJob = (job: MailJob): job is NoticeJob =>
  job.kind === 'guess_notice' || job.kind === 'new_device' || job.kind === 'email_changed';

/** What log lines name a job by: its code row, or its notice. */
export const mailJobRef = (job: MailJob): { otpId: string } | { noticeId: string } =>
  isNoticeJob(job) ? { noticeId: job.noticeId } : { otpId: job.otpId };

/** The queue's id of a job: a code row's id, or the notice's. */
export const mailJobId = (job: MailJob): string => (isNoticeJob(job) ? `notice-${job.noticeId}` : job.otpId);

/** Email jobs, off the request path. */
export interface MailQueue {
  enqueue(job: MailJob): Promise<void>;
  /** Resolves when every queued job has been sent or given up (tests, shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Where the mail worker stores the hashes of the code (and link) it minted (the login module's code rows). */
export interface PendingCodes {
  /** Stores the minted hashes while the code is still pending; false if it was consumed or expired meanwhile. */
  setCodeHash(id: string, codeHash: string, now: Date, linkHash?: string | null): Promise<boolean>;
}

/**
 * Mints the secrets of a pending code row (the login module's rule): the digits to mail and
 * their hash, and, with sign-in links on, the link to mail and its token's hash.
 */
export interface CodeMinter {
  mint(otpId: string, email: string): { code: string; hash: string; link?: { url: string; hash: string } };
}

/**
 * Single-use webhook tokens (Mailgun signs a token, not the body), shared by every instance:
 * SQL `webhook_tokens` (migration 8), MongoDB `webhookTokens` (unique _id, TTL index).
 */
export interface WebhookTokenRepository {
  /** Records the token until `expiresAt`; false when it is recorded already and not yet expired. */
  claim(token: { provider: string; tokenHash: string; expiresAt: Date }, now: Date): Promise<boolean>;
  /** Forgets a claimed token (applying its request failed and the provider will retry it). */
  release(provider: string, tokenHash: string): Promise<void>;
  deleteExpired(now: Date): Promise<number>;
}

/** The email module's repositories, as one transaction sees them. */
export interface EmailRepositories {
  suppressions: SuppressionRepository;
  emailMessages: EmailMessageRepository;
  emailEvents: EmailEventRepository;
  webhookTokens: WebhookTokenRepository;
}

/** What the email module needs of a store: its repositories and a unit of work over them. */
export interface EmailStore extends EmailRepositories {
  transaction<T>(work: (tx: EmailRepositories) => Promise<T>): Promise<T>;
}
