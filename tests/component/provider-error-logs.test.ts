import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * A provider's error text is logged only masked: an SMTP server's refusal quotes the recipient
 * (and sometimes other addresses), and that reply is what the `email.failed` line carries.
 * The addresses here are valid ones the old pattern let through whole.
 */
const RECIPIENT = 'first{last}@example.com';
const QUOTED = '"first last"@example.com';
const LITERAL = 'first@[192.0.2.1]';

describe('provider errors in the logs', () => {
  let t: TestApp;
  let server: SMTPServer;
  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        const text = `5.1.1 <${address.address}>: Recipient address rejected; try ${QUOTED} or ${LITERAL}`;
        callback(Object.assign(new Error(text), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({
      env: {
        EMAIL_TRANSPORT: 'smtp',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String((server.server.address() as AddressInfo).port),
        SMTP_FROM: 'no-reply@example.com',
        // A local server without STARTTLS: the test is about the reply, not the channel.
        SMTP_REQUIRE_TLS: 'false',
        EMAIL_SEND_TIMEOUT_MS: '2000',
      },
      overrides: { mailer: undefined, mailRetry: { baseDelayMs: 5, maxDelayMs: 20 } },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('when the SMTP server refuses the recipient quoting addresses, then the failure is logged with the reply but no address', async () => {
    expect((await t.http.post('/v1/otp/request').send({ email: RECIPIENT })).status).toBe(202);
    await t.container.queue.drain();

    const failed = t.logs.find((l) => l.event === 'email.failed');
    expect(failed).toBeDefined();
    expect(String(failed?.error)).toMatch(/550.*Recipient address rejected/);
    const all = t.rawLogs.join('');
    for (const secret of ['first{last}', 'rst{last}', 'first last', 'rst last', 'first@[', 'rst@[']) {
      expect(all).not.toContain(secret);
    }
  });
});
