import type { Logger } from 'winston';
import type { Config, EmailTransportKind } from '../../config/config';
import type { Mailer } from '../../services/ports';
import { createConsoleMailer } from './console.mailer';
import { createFallbackMailer, withCircuitBreaker, type CircuitOptions } from './fallback.mailer';
import { createMailgunMailer } from './mailgun.mailer';
import { createSendGridMailer } from './sendgrid.mailer';
import { createSesMailer } from './ses.mailer';
import { createSmtpMailer } from './smtp.mailer';

const DEFAULT_CIRCUIT: CircuitOptions = { failureThreshold: 5, openMs: 30_000 };

/** One provider's transport from config; loadConfig has already checked that its settings are there. */
export function createTransport(kind: EmailTransportKind, email: Config['email']): Mailer {
  const timeoutMs = email.sendTimeoutMs;
  switch (kind) {
    case 'console':
      return createConsoleMailer();
    case 'smtp':
      return createSmtpMailer({ ...email.smtp, from: email.from, timeoutMs });
    case 'sendgrid':
      return createSendGridMailer({
        apiKey: email.sendgridApiKey ?? '',
        apiUrl: email.sendgridApiUrl,
        from: email.from,
        timeoutMs,
      });
    case 'ses':
      return createSesMailer({
        region: email.ses.region ?? '',
        accessKeyId: email.ses.accessKeyId,
        secretAccessKey: email.ses.secretAccessKey,
        endpoint: email.ses.endpoint,
        configurationSet: email.ses.configurationSet,
        from: email.from,
        timeoutMs,
      });
    case 'mailgun':
      return createMailgunMailer({
        apiKey: email.mailgun.apiKey ?? '',
        domain: email.mailgun.domain ?? '',
        url: email.mailgun.url,
        from: email.from,
        timeoutMs,
      });
  }
}

/**
 * The configured primary provider behind a circuit breaker, and the fallback provider (if
 * EMAIL_FALLBACK_TRANSPORT is set) taking over on transient failures.
 */
export function createMailerFromConfig(
  email: Config['email'],
  logger: Logger,
  circuit: CircuitOptions = DEFAULT_CIRCUIT,
): Mailer {
  if (email.transport === 'console') return createTransport('console', email);
  const primary = withCircuitBreaker(createTransport(email.transport, email), circuit, logger);
  if (!email.fallbackTransport) return primary;
  const secondary = withCircuitBreaker(createTransport(email.fallbackTransport, email), circuit, logger);
  return createFallbackMailer(primary, secondary, logger);
}
