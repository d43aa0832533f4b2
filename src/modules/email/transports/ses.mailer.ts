import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../email.ports';
import { mailErrorForNetwork, mailErrorForStatus } from './provider-errors';

export interface SesOptions {
  region: string;
  from: string;
  /** Explicit keys; without them the SDK's default chain (instance role, profile) is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** The API endpoint (default: the region's); a proxy, or a local stub in tests. */
  endpoint?: string;
  configurationSet?: string;
  timeoutMs: number;
}

interface SesError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, unknown> };
}

/** SES answers these with 400 although they are about the account, not the message. */
const ACCOUNT_LEVEL = new Set([
  'LimitExceededException',
  'SendingPausedException',
  'AccountSuspendedException',
]);

/**
 * AWS SES v2 SendEmail. The idempotency key is an EmailTag (carried into SES event
 * publishing) and a header; the returned id is SES's MessageId, the `mail.messageId` of its
 * SNS notifications. The SDK's own retries are off: the mail queue owns the retry policy.
 */
export function createSesMailer(options: SesOptions): Mailer {
  const client = new SESv2Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      throwOnRequestTimeout: true,
    },
  });

  return {
    name: 'ses',
    async send(message) {
      try {
        const out = await client.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: [message.to] },
            Content: {
              Simple: {
                Subject: { Data: message.subject, Charset: 'UTF-8' },
                Body: {
                  Text: { Data: message.text, Charset: 'UTF-8' },
                  Html: { Data: message.html, Charset: 'UTF-8' },
                },
                Headers: [{ Name: 'X-Idempotency-Key', Value: message.idempotencyKey }],
              },
            },
            EmailTags: [{ Name: 'idempotency_key', Value: message.idempotencyKey }],
            ConfigurationSetName: options.configurationSet,
          }),
        );
        return { messageId: out.MessageId, provider: 'ses' };
      } catch (err) {
        const e = err as SesError;
        const status = e.$metadata?.httpStatusCode;
        if (status === undefined) throw mailErrorForNetwork('ses', e.code ?? e.name);
        const retryAfter = e.$response?.headers?.['retry-after'];
        if (e.name && ACCOUNT_LEVEL.has(e.name))
          throw mailErrorForStatus('ses', 429, { retryAfter, detail: e.name });
        throw mailErrorForStatus('ses', status, { retryAfter, detail: e.name });
      }
    },
    async close() {
      client.destroy();
    },
  };
}
