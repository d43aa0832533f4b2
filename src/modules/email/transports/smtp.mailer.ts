import nodemailer from 'nodemailer';
import { MailError, maskedReason, type MailErrorClass } from './mail-error';
import type { Mailer } from '../email.ports';

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /**
   * SMTP_REQUIRE_TLS: without implicit TLS (`secure`), STARTTLS must succeed before AUTH or any
   * message is sent; a server that does not offer it (or an attacker who strips it) gets
   * nothing. false sends in plain text when the server offers no STARTTLS (development only).
   */
  requireTls: boolean;
  /** PEM CA certificates trusted for the server instead of the system's (a private relay CA). */
  ca?: string | Buffer;
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
    requireTLS: options.requireTls && !options.secure,
    // The certificate is always verified (never rejectUnauthorized: false); TLS 1.2 at least.
    tls: { minVersion: 'TLSv1.2', ...(options.ca ? { ca: options.ca } : {}) },
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
          { cause: err, errorClass: smtpErrorClass(code, e.code), provider: 'smtp' },
        );
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** A reply code 5xx refuses the message; 4xx is the server's passing trouble; else nodemailer's code says. */
function smtpErrorClass(reply: number | undefined, code: string | undefined): MailErrorClass {
  if (reply !== undefined) return reply >= 500 ? 'rejected' : 'server';
  if (code === 'EAUTH') return 'auth';
  if (code === 'ETIMEDOUT' || /timeout/i.test(code ?? '')) return 'timeout';
  return 'network';
}
