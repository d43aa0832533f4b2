import type { Mailer, OutgoingEmail } from '../../src/modules/email/email.ports';

/** A mailer that keeps every message, so tests can read the code a person would receive. */
export class RecordingMailer implements Mailer {
  readonly name = 'recording';
  readonly sent: OutgoingEmail[] = [];
  /** Set to make the next sends fail (transient unless permanent is thrown by the caller's fn). */
  failNext: Array<() => Error> = [];

  async send(message: OutgoingEmail) {
    const fail = this.failNext.shift();
    if (fail) throw fail();
    this.sent.push(message);
    return { messageId: `rec-${this.sent.length}` };
  }

  to(email: string): OutgoingEmail[] {
    return this.sent.filter((m) => m.to === email);
  }

  /** The code in the newest message to `email`. */
  lastCode(email: string): string {
    const messages = this.to(email);
    const last = messages[messages.length - 1];
    if (!last) throw new Error(`no email was sent to ${email}`);
    const match = /\b(\d{6,10})\b/.exec(last.text);
    if (!match) throw new Error('no code in the email');
    return match[1];
  }
}
