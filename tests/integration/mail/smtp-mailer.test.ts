import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestApp, type TestApp } from '../../helpers/test-app';
import { codeIn } from './provider-stub';

type Step = 'accept' | { at: 'rcpt' | 'data'; code: number; text: string };

interface Received {
  to: string[];
  raw: string;
}

/**
 * A real SMTP server process (the smtp-server package on 127.0.0.1), scripted per delivery
 * attempt: each RCPT TO consumes the next step; a step can refuse at RCPT or after DATA.
 */
async function startSmtpServer() {
  const received: Received[] = [];
  let steps: Step[] = ['accept'];
  let attempts = 0;
  let current: Step = 'accept';
  const refuse = (step: Exclude<Step, 'accept'>) =>
    Object.assign(new Error(step.text), { responseCode: step.code });

  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      attempts += 1;
      current = steps.length > 1 ? (steps.shift() as Step) : steps[0];
      if (current !== 'accept' && current.at === 'rcpt') return callback(refuse(current));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (current !== 'accept' && current.at === 'data') return callback(refuse(current));
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    attempts: () => attempts,
    script(...next: Step[]) {
      steps = next;
      attempts = 0;
      received.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The decoded text/plain part of a raw message (quoted-printable, as nodemailer writes it). */
function textPart(raw: string): string {
  const part = /Content-Type: text\/plain[\s\S]*?\r\n\r\n([\s\S]*?)\r\n--/.exec(raw)?.[1] ?? '';
  return part
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describe('SMTP delivery against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({
      env: {
        EMAIL_TRANSPORT: 'smtp',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_FROM: 'no-reply@example.com',
        // This server offers no STARTTLS (smtp-tls.test.ts covers TLS); plain SMTP outside production only.
        SMTP_REQUIRE_TLS: 'false',
        EMAIL_MAX_ATTEMPTS: '5',
        EMAIL_SEND_TIMEOUT_MS: '2000',
      },
      overrides: { mailer: undefined, mailRetry: { baseDelayMs: 5, maxDelayMs: 20 } },
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const request = async (email: string) => {
    expect((await t.http.post('/v1/otp/request').send({ email })).status).toBe(202);
    await t.container.queue.drain();
  };

  it('when the server answers 451 and 421 to the first tries, then the message arrives exactly once and its code signs in', async () => {
    smtp.script(
      { at: 'rcpt', code: 451, text: 'Greylisted, try again later' },
      { at: 'data', code: 421, text: 'Service not available, closing channel' },
      'accept',
    );
    await request('ann@example.com');

    expect(smtp.attempts()).toBe(3);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].to).toEqual(['ann@example.com']);
    expect(smtp.received[0].raw).toMatch(/^X-Idempotency-Key: otp-[0-9a-f-]{36}\r$/m);
    const code = codeIn(textPart(smtp.received[0].raw));
    expect((await t.http.post('/v1/otp/verify').send({ email: 'ann@example.com', code })).status).toBe(200);
    const report = await t.container.deliveries.recentMessagesFor('ann@example.com');
    expect(report.messages).toHaveLength(1);
    expect(report.messages[0]).toMatchObject({ provider: 'smtp', status: 'sent' });
    expect(report.messages[0].providerMessageId).toMatch(/^<.+@.+>$/);
  });

  it('when the server refuses the recipient with 550, then it is permanent: one try, no email, recorded failed', async () => {
    smtp.script({ at: 'rcpt', code: 550, text: 'No such user here' });
    await request('ghost@example.com');

    expect(smtp.attempts()).toBe(1);
    expect(smtp.received).toHaveLength(0);
    const report = await t.container.deliveries.recentMessagesFor('ghost@example.com');
    expect(report.messages.map((m) => m.status)).toEqual(['failed']);
  });

  it('when the server answers 450 and then 553, then the 4xx is retried and the 5xx stops it', async () => {
    smtp.script(
      { at: 'rcpt', code: 450, text: 'Mailbox busy' },
      { at: 'rcpt', code: 553, text: 'Mailbox name not allowed' },
      'accept',
    );
    await request('bea@example.com');

    expect(smtp.attempts()).toBe(2);
    expect(smtp.received).toHaveLength(0);
    expect(t.logs.some((l) => l.event === 'email.failed' && l.permanent === true)).toBe(true);
  });

  it('when the server rejects the message after DATA with 554, then it is not sent again', async () => {
    smtp.script({ at: 'data', code: 554, text: 'Message rejected as spam' }, 'accept');
    await request('cal@example.com');

    expect(smtp.attempts()).toBe(1);
    expect(smtp.received).toHaveLength(0);
  });
});
