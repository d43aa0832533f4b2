import type { Logger } from 'winston';
import type { Config, EmailTransportKind } from '../../../platform/config/config';
import type { Mailer } from '../email.ports';
import { createConsoleMailer } from './console.mailer';
import { createFallbackMailer, withCircuitBreaker, type CircuitOptions } from './fallback.mailer';
import { createSmtpMailer } from './smtp.mailer';
import { countingErrors, type ProviderErrorSink } from './counted.mailer';

/*
 * Each HTTP provider's SDK costs 15-20 MB of memory when loaded, so only the configured
 * ones are required, when the mailer is built (docs/performance.md, peak RSS).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const loadSendGrid = () => require('./sendgrid.mailer') as typeof import('./sendgrid.mailer');
const loadSes = () => require('./ses.mailer') as typeof import('./ses.mailer');
const loadMailgun = () => require('./mailgun.mailer') as typeof import('./mailgun.mailer');
/* eslint-enable @typescript-eslint/no-require-imports */

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
      return loadSendGrid().createSendGridMailer({
        apiKey: email.sendgridApiKey ?? '',
        apiUrl: email.sendgridApiUrl,
        from: email.from,
        timeoutMs,
      });
    case 'ses':
      return loadSes().createSesMailer({
        region: email.ses.region ?? '',
        accessKeyId: email.ses.accessKeyId,
        secretAccessKey: email.ses.secretAccessKey,
        endpoint: email.ses.endpoint,
        configurationSet: email.ses.configurationSet,
        from: email.from,
        timeoutMs,
      });
    case 'mailgun':
      return loadMailgun().createMailgunMailer({
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
  onProviderError: ProviderErrorSink = () => undefined,
): Mailer {
  if (email.transport === 'console') return createTransport('console', email);
  const provider = (kind: EmailTransportKind) =>
    countingErrors(withCircuitBreaker(createTransport(kind, email), circuit, logger), onProviderError);
  const primary = provider(email.transport);
  if (!email.fallbackTransport) return primary;
  return createFallbackMailer(primary, provider(email.fallbackTransport), logger);
}
