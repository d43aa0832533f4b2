import FormData from 'form-data';
import Mailgun from 'mailgun.js';
import type { Mailer } from '../email.ports';
import { mailErrorForNetwork, mailErrorForStatus } from './provider-errors';

export interface MailgunOptions {
  apiKey: string;
  domain: string;
  from: string;
  /** API base URL (default https://api.mailgun.net; https://api.eu.mailgun.net for EU domains). */
  url?: string;
  timeoutMs: number;
}

interface MailgunError {
  status?: number;
  message?: string;
  details?: string;
}

/**
 * mailgun.js reports a request that got no answer as status 400 with the socket error code
 * (ECONNREFUSED, ECONNABORTED…) as its message; a real 400 carries the HTTP status text.
 */
const NETWORK_CODE = /^(E[A-Z0-9_]+|ERR_[A-Z0-9_]+)$/;

/**
 * Mailgun messages API. The idempotency key travels as a user variable (`v:`, echoed in every
 * webhook as user-variables) and a header (`h:`); the returned id is Mailgun's Message-Id,
 * which its webhooks report without the angle brackets. mailgun.js does not expose response
 * headers, so a 429's Retry-After cannot be read: the queue's backoff applies instead.
 */
export function createMailgunMailer(options: MailgunOptions): Mailer {
  const client = new Mailgun(FormData).client({
    username: 'api',
    key: options.apiKey,
    url: options.url,
    timeout: options.timeoutMs,
  });

  return {
    name: 'mailgun',
    async send(message) {
      try {
        const out = await client.messages.create(options.domain, {
          from: options.from,
          to: [message.to],
          subject: message.subject,
          text: message.text,
          html: message.html,
          'h:X-Idempotency-Key': message.idempotencyKey,
          'v:idempotency_key': message.idempotencyKey,
        });
        return { messageId: out.id?.replace(/^<|>$/g, ''), provider: 'mailgun' };
      } catch (err) {
        const e = err as MailgunError;
        if (e.message && NETWORK_CODE.test(e.message)) throw mailErrorForNetwork('mailgun', e.message);
        if (typeof e.status !== 'number') throw mailErrorForNetwork('mailgun', undefined);
        throw mailErrorForStatus('mailgun', e.status, { detail: e.details });
      }
    },
  };
}
