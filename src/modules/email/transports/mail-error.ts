import { ADDRESS_IN_TEXT } from '../../../platform/email-address';

/**
 * Why a provider failed, as `email_provider_errors_total{class}` counts it: the message refused
 * (rejected), too many sends (throttled), the account or key refused (auth), the provider's own
 * fault (server), no answer in time (timeout), no connection (network), this service's circuit
 * breaker holding sends back (circuit_open).
 */
export type MailErrorClass =
  'rejected' | 'throttled' | 'auth' | 'server' | 'timeout' | 'network' | 'circuit_open' | 'other';

/** A delivery failure. `permanent` failures (a rejected address) are never retried. */
export class MailError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown; retryAfterMs?: number; errorClass?: MailErrorClass; provider?: string },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'MailError';
    this.retryAfterMs = options?.retryAfterMs;
    this.errorClass = options?.errorClass ?? (permanent ? 'rejected' : 'other');
    this.provider = options?.provider;
  }
  readonly retryAfterMs?: number;
  readonly errorClass: MailErrorClass;
  /** The transport that failed (a fallback pair's error names the one that answered). */
  readonly provider?: string;
}

/** The class of any error a mailer threw (a foreign one is `other`). */
export const mailErrorClass = (err: unknown): MailErrorClass =>
  err instanceof MailError ? err.errorClass : 'other';

/** Any address RFC 5321 allows, inside `<…>` or bare (`"john doe"@example.com` too). */
const ADDRESS = new RegExp(`<?(?:${ADDRESS_IN_TEXT.source})>?`, 'gu');
/** A digit run as long as a code (6–10 digits; SMTP replies use 3-digit and x.y.z codes). */
const CODE_LIKE = /\b\d{6,10}\b/g;

/**
 * A transport's own words for a log line: its error code and reply, with any address and
 * anything shaped like a code masked, at most 300 characters.
 */
export function maskedReason(code: unknown, text: unknown): string {
  const masked = String(text ?? '')
    .replace(ADDRESS, '<address>')
    .replace(CODE_LIKE, '******')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
  return [code, masked].filter((p) => p !== undefined && p !== '').join(': ');
}
