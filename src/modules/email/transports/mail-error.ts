/** A delivery failure. `permanent` failures (a rejected address) are never retried. */
export class MailError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'MailError';
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs?: number;
}
