import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../../../src/modules/email/transports/smtp.mailer';

const message = {
  to: 'ghost.person@example.com',
  subject: 'Your code 482913',
  text: 'Your code is 482913',
  html: '<p>Your code is 482913</p>',
  idempotencyKey: 'otp-test',
};

/** The text an operator reads in the `email.failed` log line (it logs the MailError's message). */
async function failureOf(port: number): Promise<string> {
  const mailer = createSmtpMailer({
    host: '127.0.0.1',
    port,
    secure: false,
    from: 'a@b.test',
    requireTls: false,
    timeoutMs: 2000,
  });
  try {
    await mailer.send(message);
    throw new Error('expected the send to fail');
  } catch (err) {
    return (err as Error).message;
  } finally {
    await mailer.close?.();
  }
}

describe('SMTP failures say why, masked', () => {
  it('when the server refuses the recipient naming it, then the error has the SMTP code and reply but not the address', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, cb) {
        const err = Object.assign(
          new Error(`5.1.1 <${address.address}>: Recipient address rejected 482913`),
          {
            responseCode: 550,
          },
        );
        cb(err);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const text = await failureOf((server.server.address() as AddressInfo).port);
      expect(text).toMatch(/EENVELOPE/);
      expect(text).toMatch(/550/);
      expect(text).toMatch(/Recipient address rejected/);
      expect(text).not.toMatch(/ghost\.person/);
      expect(text).not.toMatch(/482913/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('when nothing listens, then the error names the connection failure', async () => {
    expect(await failureOf(1)).toMatch(/ECONNECTION.*ECONNREFUSED|ECONNREFUSED/);
  });
});
