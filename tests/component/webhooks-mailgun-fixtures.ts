/** What the Mailgun webhook tests share: the route, the signing key, and a mailer that answers as Mailgun does. */
import type { OutgoingEmail } from '../../src/modules/email/email.ports';
import { RecordingMailer } from '../helpers/recording-mailer';

export const PATH = '/v1/webhooks/mailgun';
export const SIGNING_KEY = 'mailgun-signing-key-for-tests-0123456789';

/** Records like RecordingMailer, but answers as Mailgun does: a Message-Id. */
export class MailgunLikeMailer extends RecordingMailer {
  override async send(message: OutgoingEmail) {
    await super.send(message);
    return { messageId: `2024.${this.sent.length}.ABC@mg.example.com`, provider: 'mailgun' };
  }
}
