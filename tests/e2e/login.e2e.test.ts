import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import {
  freePort,
  servicePidIn,
  START_COMMAND,
  textPart,
  waitFor,
  type ReceivedMail,
  type Service,
} from './service-process';

/**
 * The whole product from the outside: the built service started as its own process with
 * `npm start`, a real SMTP server (smtp-server) receiving the code, and plain HTTP. Then a
 * restart on the same DATA_DIR shows the session (and the generated secret) survived. The
 * process and MIME helpers are in service-process.ts.
 */

const ROOT = resolve(__dirname, '..', '..');
const FROM = 'login@otp-e2e.example';
const EMAIL = `e2e-${Date.now()}@example.com`;

describe('e2e: sign in through the built service, a real SMTP server and HTTP', () => {
  const mails: ReceivedMail[] = [];
  const services: Service[] = [];
  let smtp: SMTPServer;
  let smtpPort: number;
  let port: number;
  let dataDir: string;
  let base: string;

  // What the person holds between steps.
  let firstAccessToken = '';
  let keptRefreshToken = '';
  let sessionId = '';
  let userId = '';
  const secrets: string[] = [];

  function start(command: 'npm' | 'node'): Service {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtpPort),
      SMTP_FROM: FROM,
      // The local test server offers no STARTTLS; development may send in plain text, production may not.
      SMTP_REQUIRE_TLS: 'false',
      LOG_LEVEL: 'info',
      // No SESSION_SECRET: the service generates one into DATA_DIR. A developer's .env must not leak in.
      DOTENV_CONFIG_PATH: join(dataDir, 'no-such.env'),
    };
    const args = command === 'npm' ? ['start'] : ['dist/main.js'];
    // detached: the service gets its own process group, so cleanup can always kill all of it.
    const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    let running = true;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => {
        running = false;
        done({ code, signal });
      }),
    );
    const service: Service = { child, pid: child.pid!, output: () => output, exited, running: () => running };
    services.push(service);
    return service;
  }

  async function untilReady(service: Service, timeoutMs: number): Promise<void> {
    await waitFor(
      'GET /health/ready',
      async () => {
        if (!service.running()) throw new Error(`the service exited early:\n${service.output()}`);
        try {
          const res = await fetch(`${base}/health/ready`);
          return res.status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
    );
  }

  async function stop(service: Service): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    process.kill(service.pid, 'SIGTERM');
    return service.exited;
  }

  async function api(method: string, path: string, options: { body?: object; token?: string } = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.body ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'otp-e2e-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    smtp = new SMTPServer({
      authOptional: true,
      // Not advertising STARTTLS keeps nodemailer on plain SMTP: no certificate for a local test server.
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom;
          mails.push({
            from: from ? from.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const service of services) {
      if (!service.running()) continue;
      try {
        process.kill(-service.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await service.exited;
    }
    for (const service of services) {
      try {
        process.kill(-service.child.pid!, 0);
        process.kill(-service.child.pid!, 'SIGKILL'); // a straggler in the group (npm's sh or node)
      } catch {
        // the group is empty: nothing left behind
      }
    }
    await new Promise<void>((done) => (smtp ? smtp.close(() => done()) : done()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('when a person requests a code, reads it from the email and verifies it, then their tokens work', async () => {
    const first = start('npm'); // prestart builds dist/ with tsc
    await untilReady(first, 100_000);
    first.pid = await waitFor(`${START_COMMAND} under npm`, () => servicePidIn(first.child.pid!), 5_000);

    const requested = await api('POST', '/v1/otp/request', { body: { email: EMAIL } });
    expect(requested.status).toBe(202);

    const mail = await waitFor('the code email', () => mails.find((m) => m.to.includes(EMAIL)), 20_000);
    expect(mail.from).toBe(FROM);
    const text = textPart(mail.raw);
    const code = /\b(\d{6})\b/.exec(text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    secrets.push(code!);

    const verified = await api('POST', '/v1/otp/verify', { body: { email: EMAIL, code } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      tokenType: 'Bearer',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      user: { email: EMAIL },
      session: { id: expect.any(String) },
    });
    sessionId = verified.body.session.id;
    userId = verified.body.user.id;

    const me = await api('GET', '/v1/users/me', { token: verified.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: userId, email: EMAIL });

    const refreshed = await api('POST', '/v1/auth/refresh', {
      body: { refreshToken: verified.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(verified.body.refreshToken);
    expect(refreshed.body.session.id).toBe(sessionId);
    firstAccessToken = refreshed.body.accessToken;
    keptRefreshToken = refreshed.body.refreshToken;
    secrets.push(verified.body.refreshToken, keptRefreshToken, verified.body.accessToken, firstAccessToken);

    expect(await stop(first)).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain('"event":"server.stopped"');
  }, 120_000);

  it('when the service restarts on the same DATA_DIR, then the session and the generated secret survived', async () => {
    expect(keptRefreshToken).not.toBe('');
    // Outside production the missing SESSION_SECRET was generated once, owner-only.
    expect(statSync(join(dataDir, '.session-secret')).mode & 0o777).toBe(0o600);

    const second = start('node');
    await untilReady(second, 30_000);

    const oldToken = await api('GET', '/v1/users/me', { token: firstAccessToken });
    expect(oldToken.status).toBe(200);

    const refreshed = await api('POST', '/v1/auth/refresh', { body: { refreshToken: keptRefreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.session.id).toBe(sessionId);
    expect(refreshed.body.user).toMatchObject({ id: userId, email: EMAIL });
    const accessToken: string = refreshed.body.accessToken;
    secrets.push(refreshed.body.refreshToken, accessToken);

    const me = await api('GET', '/v1/users/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(userId);

    const logout = await api('POST', '/v1/auth/logout', { token: accessToken });
    expect(logout.status).toBe(204);

    const after = await api('GET', '/v1/users/me', { token: accessToken });
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toContain('application/problem+json');

    expect(await stop(second)).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('when the service logged all of this, then no code or token appears in its output', () => {
    const output = services.map((s) => s.output()).join('\n');
    expect(output).toContain('"event":"server.started"');
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.filter((s) => output.includes(s))).toEqual([]);
    expect(output).not.toContain(EMAIL);
  });
});
