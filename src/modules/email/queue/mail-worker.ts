import type { Logger } from 'winston';
import type { Metrics } from '../../../platform/metrics';
import type { Clock } from '../../../platform/clock';
import {
  isNoticeJob,
  mailJobRef,
  type CodeMinter,
  type EmailMessageRepository,
  type EmailMessageStatus,
  type GuessNoticeJob,
  type MailJob,
  type NewDeviceJob,
  type Mailer,
  type PendingCodes,
  type SendResult,
} from '../email.ports';
import { MailError } from '../transports/mail-error';
import { renderGuessNotice } from '../templates/guess-notice.template';
import { renderNewDeviceEmail } from '../templates/new-device.template';
import { renderEmailChangedNotice } from '../templates/email-changed.template';
import {
  renderOtpEmail,
  resolveLocale,
  type EmailBrand,
  type RenderedEmail,
} from '../templates/otp-email.template';

export type JobResult = 'sent' | 'expired' | 'stale';

/**
 * Delivers one email: a code email, or a notice. The code (and its sign-in link) is minted
 * here, after the job left the queue, and only hashes are stored, so neither the queue nor the
 * database ever holds a code or a link in clear; a notice holds none. Each outcome is recorded
 * in `messages` (the provider and its message id, which webhook events refer to; a notice has
 * no code row); the last failed try (permanent, or try `maxAttempts`) is recorded as failed.
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
        otpId: isNoticeJob(job) ? null : job.otpId,
        email: job.email,
        provider: result.provider ?? deps.mailer.name,
        providerMessageId: result.messageId ?? null,
        status,
        createdAt: deps.clock.now(),
      });
    } catch (err) {
      deps.logger.warn('could not record an email message', {
        event: 'email.record_failed',
        ...mailJobRef(job),
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };

  /** The notice: rendered from the job alone, nothing to mint or store. */
  const notice = (job: GuessNoticeJob): RenderedEmail =>
    renderGuessNotice({ locale: resolveLocale(job.locale), brand: deps.brand });
  /** The new-sign-in email: rendered from the job alone (its link was signed at sign-in). */
  const newDevice = (job: NewDeviceJob): RenderedEmail =>
    renderNewDeviceEmail({ ...job, locale: resolveLocale(job.locale), brand: deps.brand });

  return async function processOtpMail(job: MailJob, attempt: number): Promise<JobResult> {
    const now = deps.clock.now();
    const expiresAt = new Date(job.expiresAt);
    if (expiresAt <= now) return 'expired';
    let email: RenderedEmail;
    if (job.kind === 'guess_notice') email = notice(job);
    else if (job.kind === 'new_device') email = newDevice(job);
    else if (job.kind === 'email_changed')
      email = renderEmailChangedNotice({ ...job, locale: resolveLocale(job.locale), brand: deps.brand });
    else {
      // The link (OTP_MAGIC_LINK) is minted with the code and bound to the same row; both are
      // mailed, only their hashes stored, and neither is ever in the job or a log line.
      const { code, hash, link } = deps.codes.mint(job.otpId, job.email);
      const stored = await deps.otps.setCodeHash(job.otpId, hash, now, link?.hash ?? null);
      if (!stored) return 'stale';
      const minutes = Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000));
      email = renderOtpEmail({
        code,
        linkUrl: link?.url,
        expiresInMinutes: minutes,
        locale: resolveLocale(job.locale),
        brand: deps.brand,
      });
    }
    const key = isNoticeJob(job) ? `${job.kind.replace('_', '-')}-${job.noticeId}` : `otp-${job.otpId}`;
    let result: SendResult;
    try {
      // One key for every try of this job: providers and webhooks tie the tries together.
      result = await deps.mailer.send({ to: job.email, ...email, idempotencyKey: key });
    } catch (err) {
      const last = (err instanceof MailError && err.permanent) || attempt >= (deps.maxAttempts ?? Infinity);
      if (last) await record(job, 'failed', {});
      throw err;
    }
    await record(job, 'sent', result);
    const { messageId } = result;
    const sent = {
      guess_notice: 'guess notice sent',
      new_device: 'new device email sent',
      email_changed: 'email changed notice sent',
      code: 'otp email sent',
    };
    deps.logger.info(sent[job.kind ?? 'code'], {
      event: 'email.sent',
      kind: job.kind ?? 'code',
      requestId: job.requestId,
      emailHash: deps.emailHash(job.email),
      transport: result.provider ?? deps.mailer.name,
      messageId,
      attempt,
    });
    return 'sent';
  };
}
