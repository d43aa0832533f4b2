import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import type { Mailer } from '../email.ports';
import { mailErrorForNetwork, mailErrorForStatus } from './provider-errors';

export interface SendGridOptions {
  apiKey: string;
  from: string;
  /** Base URL of the API (default https://api.sendgrid.com/): a proxy, or a local stub in tests. */
  apiUrl?: string;
  timeoutMs: number;
}

interface SendGridError {
  code?: number | string;
  response?: { headers?: Record<string, unknown>; body?: { errors?: Array<{ message?: string }> } };
}

/**
 * SendGrid v3 mail/send. The idempotency key travels as a custom arg (echoed in every event
 * webhook) and a header; the returned id is SendGrid's X-Message-Id, the prefix of the
 * `sg_message_id` its webhooks report.
 */
export function createSendGridMailer(options: SendGridOptions): Mailer {
  const client = new Client();
  client.setApiKey(options.apiKey);
  // setApiKey resets the base URL to the region's host, so the override must come after it.
  if (options.apiUrl) client.setDefaultRequest('baseUrl', options.apiUrl);
  const service = new MailService();
  service.setClient(client);
  service.setTimeout(options.timeoutMs);

  return {
    name: 'sendgrid',
    async send(message) {
      try {
        const [response] = await service.send({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          customArgs: { idempotency_key: message.idempotencyKey },
          headers: { 'X-Idempotency-Key': message.idempotencyKey },
        });
        const id = (response.headers as Record<string, unknown> | undefined)?.['x-message-id'];
        return { messageId: typeof id === 'string' ? id : undefined, provider: 'sendgrid' };
      } catch (err) {
        const e = err as SendGridError;
        if (typeof e.code === 'number' && e.response) {
          throw mailErrorForStatus('sendgrid', e.code, {
            retryAfter: e.response.headers?.['retry-after'],
            detail: e.response.body?.errors?.[0]?.message,
          });
        }
        throw mailErrorForNetwork('sendgrid', typeof e.code === 'string' ? e.code : undefined);
      }
    },
  };
}
