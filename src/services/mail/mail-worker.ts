import type { Logger } from 'winston';
import type { Metrics } from '../../infrastructure/metrics';
import type { Clock } from '../clock';
import { generateCode, type CodeHasher } from '../otp/otp-code';
import type { MailJob, Mailer, OtpRepository } from '../ports';
import { renderOtpEmail, resolveLocale, type EmailBrand } from './otp-email.template';

export type JobResult = 'sent' | 'expired' | 'stale';

/**
 * Delivers one code email. The code is minted here, after the job left the queue, and only
 * its hash is stored, so neither the queue nor the database ever holds a code in clear.
 */
export function createOtpMailProcessor(deps: {
  otps: Pick<OtpRepository, 'setCodeHash'>;
  mailer: Mailer;
  hasher: CodeHasher;
  clock: Clock;
  codeLength: number;
  brand: EmailBrand;
  logger: Logger;
  metrics: Metrics;
  emailHash: (email: string) => string;
}) {
  return async function processOtpMail(job: MailJob, attempt: number): Promise<JobResult> {
    const now = deps.clock.now();
    const expiresAt = new Date(job.expiresAt);
    if (expiresAt <= now) return 'expired';
    const code = generateCode(deps.codeLength);
    const stored = await deps.otps.setCodeHash(job.otpId, deps.hasher.hash(job.otpId, job.email, code), now);
    if (!stored) return 'stale';
    const minutes = Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000));
    const email = renderOtpEmail({
      code,
      expiresInMinutes: minutes,
      locale: resolveLocale(job.locale),
      brand: deps.brand,
    });
    const { messageId } = await deps.mailer.send({
      to: job.email,
      ...email,
      idempotencyKey: `otp-${job.otpId}-${attempt}`,
    });
    deps.logger.info('otp email sent', {
      event: 'email.sent',
      emailHash: deps.emailHash(job.email),
      transport: deps.mailer.name,
      messageId,
      attempt,
    });
    return 'sent';
  };
}
