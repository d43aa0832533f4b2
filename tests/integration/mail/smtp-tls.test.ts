import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer, type SmtpOptions } from '../../../src/modules/email/transports/smtp.mailer';
import { createTestApp } from '../../helpers/test-app';

/**
 * SMTP_REQUIRE_TLS (docs/email.md): a server that does not offer STARTTLS (or a path where an
 * attacker strips it) receives no AUTH and no message; a server that offers it with a
 * certificate we trust gets the mail over TLS; a certificate we do not trust is refused.
 * Real smtp-server processes on 127.0.0.1, a certificate made by openssl for this run.
 */

const PASSWORD = 'smtp-password-0123456789';
const message = {
  to: 'ann@example.com',
  subject: 'Your code',
  text: 'Your code is 482913',
  html: '<p>Your code is 482913</p>',
  idempotencyKey: 'otp-tls-test',
};

interface Seen {
  auth: string[];
  mailFrom: number;
  messages: Array<{ secure: boolean; raw: string }>;
}

/** A server that takes any login (even in plain text, to show what would leak) and records everything. */
async function startServer(tls?: { key: Buffer; cert: Buffer }) {
  const seen: Seen = { auth: [], mailFrom: 0, messages: [] };
  const server = new SMTPServer({
    logger: false,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: tls ? [] : ['STARTTLS'],
    ...(tls ?? {}),
    onAuth(auth, _session, callback) {
      seen.auth.push(auth.password ?? '');
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, _session, callback) {
      seen.mailFrom += 1;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        seen.messages.push({ secure: session.secure, raw: Buffer.concat(chunks).toString() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

type Server = Awaited<ReturnType<typeof startServer>>;

async function send(port: number, options: Partial<SmtpOptions>): Promise<Error | undefined> {
  const mailer = createSmtpMailer({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTls: true,
    user: 'mailer',
    password: PASSWORD,
    from: 'no-reply@example.com',
    timeoutMs: 2000,
    ...options,
  });
  try {
    await mailer.send(message);
    return undefined;
  } catch (err) {
    return err as Error;
  } finally {
    await mailer.close?.();
  }
}

let dir: string;
let cert: Buffer;
let plain: Server;
let starttls: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
  // A self-signed certificate for 127.0.0.1: trusted only where a test passes it as the CA.
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'));
  plain = await startServer();
  starttls = await startServer({ key: readFileSync(join(dir, 'key.pem')), cert });
});

afterAll(async () => {
  await plain?.close();
  await starttls?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  for (const s of [plain, starttls]) {
    s.seen.auth.length = 0;
    s.seen.mailFrom = 0;
    s.seen.messages.length = 0;
  }
});

describe('SMTP requires TLS', () => {
  it('when the server offers no STARTTLS, then sending is refused and neither the password nor the message reaches it', async () => {
    const error = await send(plain.port, {});

    expect(error?.message).toMatch(/ETLS|TLS/);
    expect(error?.message).not.toContain(PASSWORD);
    expect(plain.seen).toEqual({ auth: [], mailFrom: 0, messages: [] });
  });

  it('when TLS is not required (development), then the same server gets the password and the code in clear: what the rule prevents', async () => {
    expect(await send(plain.port, { requireTls: false })).toBeUndefined();

    expect(plain.seen.auth).toEqual([PASSWORD]);
    expect(plain.seen.messages).toHaveLength(1);
    expect(plain.seen.messages[0]).toMatchObject({ secure: false });
  });

  it('when the server offers STARTTLS with a certificate we trust, then the mail is delivered over TLS', async () => {
    expect(await send(starttls.port, { ca: cert })).toBeUndefined();

    expect(starttls.seen.auth).toEqual([PASSWORD]);
    expect(starttls.seen.messages).toHaveLength(1);
    expect(starttls.seen.messages[0].secure).toBe(true);
  });

  it('when the certificate is not trusted, then the certificate check refuses it and nothing is sent', async () => {
    const error = await send(starttls.port, {});

    expect(error?.message).toMatch(/self[- ]signed|certificate/i);
    expect(starttls.seen).toEqual({ auth: [], mailFrom: 0, messages: [] });
  });

  it('when the service runs with its defaults against a server without STARTTLS, then no code reaches it and the email is recorded failed', async () => {
    const t = await createTestApp({
      env: {
        EMAIL_TRANSPORT: 'smtp',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(plain.port),
        SMTP_USER: 'mailer',
        SMTP_PASSWORD: PASSWORD,
        EMAIL_MAX_ATTEMPTS: '2',
        EMAIL_SEND_TIMEOUT_MS: '2000',
      },
      overrides: { mailer: undefined },
    });
    try {
      expect((await t.http.post('/v1/otp/request').send({ email: 'bob@example.com' })).status).toBe(202);
      await t.container.queue.drain();

      expect(plain.seen).toEqual({ auth: [], mailFrom: 0, messages: [] });
      const report = await t.container.deliveries.recentMessagesFor('bob@example.com');
      expect(report.messages.map((m) => m.status)).toEqual(['failed']);
      expect(t.rawLogs.join('')).not.toContain(PASSWORD);
    } finally {
      await t.close();
    }
  });
});
