import type { Mailer } from '../email.ports';

/**
 * Development only (production refuses to start with it): prints the message so a developer
 * can sign in without a mail server. It writes to stdout directly, never through the logger.
 */
export function createConsoleMailer(out: NodeJS.WritableStream = process.stdout): Mailer {
  let n = 0;
  return {
    name: 'console',
    async send(message) {
      n += 1;
      out.write(
        `\n----- development email #${n} (not sent) -----\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n----------------------------------------------\n`,
      );
      return { messageId: `console-${n}` };
    },
  };
}
