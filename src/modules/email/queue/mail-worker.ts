import type { Logger } from 'winston';
import type { Metrics } from '../../../platform/metrics';
import type { Clock } from '../../../platform/clock';
import type {
  CodeMinter,
  EmailMessageRepository,
  EmailMessageStatus,
  MailJob,
  Mailer,
  PendingCodes,
  SendResult,
} from '../email.ports';
import { MailError } from '../transports/mail-error';
import { renderOtpEmail, resolveLocale, type EmailBrand } from '../templates/otp-email.template';

export type JobResult = 'sent' | 'expired' | 'stale';

/**
 * Delivers one code email. The code is minted here, after the job left the queue, and only
 * its hash is stored, so neither the queue nor the database ever holds a code in clear.
 * Each outcome is recorded in `messages` (the provider and its message id, which webhook
 * events refer to); the last failed try (permanent, or try `maxAttempts`) is recorded as failed.
 */
export function createOtpMailProcessor(deps: {
  otps: PendingCodes;
  codes: CodeMinter;
  mailer: Mailer;
  clock: Clock;
  brand: EmailBrand;
  logger: Logger;
  metrics: Metrics;
  emailHash: (email: string) => string;
  messages?: Pick<EmailMessageRepository, 'create'>;
  maxAttempts?: number;
}) {
  /** Recording must never fail a send that went out: a retry would mail the person twice. */
  const record = async (job: MailJob, status: EmailMessageStatus, result: SendResult) => {
    try {
      await deps.messages?.create({
        otpId: job.otpId,
        email: job.email,
        provider: result.provider ?? deps.mailer.name,
        providerMessageId: result.messageId ?? null,
        status,
        createdAt: deps.clock.now(),
      });
    } catch (err) {
      deps.logger.warn('could not record an email message', {
        event: 'email.record_failed',
        otpId: job.otpId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };

  return async function processOtpMail(job: MailJob, attempt: number): Promise<JobResult> {
    const now = deps.clock.now();
    const expiresAt = new Date(job.expiresAt);
    if (expiresAt <= now) return 'expired';
    const { code, hash } = deps.codes.mint(job.otpId, job.email);
    const stored = await deps.otps.setCodeHash(job.otpId, hash, now);
    if (!stored) return 'stale';
    const minutes = Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000));
    const email = renderOtpEmail({
      code,
      expiresInMinutes: minutes,
      locale: resolveLocale(job.locale),
      brand: deps.brand,
    });
    let result: SendResult;
    try {
      // One key for every try of this job: providers and webhooks tie the tries together.
      result = await deps.mailer.send({ to: job.email, ...email, idempotencyKey: `otp-${job.otpId}` });
    } catch (err) {
      const last = (err instanceof MailError && err.permanent) || attempt >= (deps.maxAttempts ?? Infinity);
      if (last) await record(job, 'failed', {});
      throw err;
    }
    await record(job, 'sent', result);
    const { messageId } = result;
    deps.logger.info('otp email sent', {
      event: 'email.sent',
      requestId: job.requestId,
      emailHash: deps.emailHash(job.email),
      transport: result.provider ?? deps.mailer.name,
      messageId,
      attempt,
    });
    return 'sent';
  };
}
