import nodemailer from 'nodemailer';
import { MailError, maskedReason } from './mail-error';
import type { Mailer } from '../email.ports';

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** Tests talk to a local server without TLS. */
  ignoreTLS?: boolean;
  /** Connection and greeting timeout; the socket may idle twice as long (default 10 s). */
  timeoutMs?: number;
}

/** SMTP through a pooled nodemailer transport. 5xx replies are permanent; 4xx and network errors are retried. */
export function createSmtpMailer(options: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 5,
    host: options.host,
    port: options.port,
    secure: options.secure,
    ignoreTLS: options.ignoreTLS,
    auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
    connectionTimeout: options.timeoutMs ?? 10_000,
    greetingTimeout: options.timeoutMs ?? 10_000,
    socketTimeout: 2 * (options.timeoutMs ?? 10_000),
  });
  return {
    name: 'smtp',
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: { 'X-Idempotency-Key': message.idempotencyKey },
        });
        return { messageId: info.messageId, provider: 'smtp' };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
        const code = e.responseCode;
        // nodemailer's code (ECONNECTION, EAUTH, EENVELOPE) and the server's reply say why.
        const reason = maskedReason(e.code, e.response ?? e.message);
        throw new MailError(
          `smtp send failed${code ? ` (${code})` : ''}: ${reason}`,
          code !== undefined && code >= 500,
          {
            cause: err,
          },
        );
      }
    },
    async close() {
      transport.close();
    },
  };
}
