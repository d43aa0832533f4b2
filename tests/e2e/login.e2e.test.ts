import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * The whole product from the outside: the built service started as its own process with
 * `npm start`, a real SMTP server (smtp-server) receiving the code, and plain HTTP. Then a
 * restart on the same DATA_DIR shows the session (and the generated secret) survived.
 */

const ROOT = resolve(__dirname, '..', '..');
const FROM = 'login@otp-e2e.example';
const EMAIL = `e2e-${Date.now()}@example.com`;

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

interface Service {
  child: ChildProcess;
  /** The `node dist/main.js` process: the one a supervisor signals. */
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running: () => boolean;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The `node dist/main.js` process in the group npm leads (npm → sh -c → node). */
/** What `npm start` runs (node, its V8 flags, dist/main.js): the process the signals must reach. */
const START_COMMAND = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    scripts: { start: string };
  }
).scripts.start;

function servicePidIn(groupId: number): number | undefined {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,pgid=,args=']).toString();
  for (const line of table.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m && Number(m[2]) === groupId && m[3].trim() === START_COMMAND) return Number(m[1]);
  }
  return undefined;
}

/** Undoes quoted-printable: soft line breaks first, then =XX bytes, read as UTF-8. */
function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The decoded text/plain part of a raw MIME message (multipart or not): enough MIME for this test. */
function textPart(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const type = header('Content-Type').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(header('Content-Type'))?.[1];
    if (!boundary) throw new Error('multipart message without a boundary');
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const text = textPart(part.replace(/^\r?\n/, ''));
      if (text) return text;
    }
    return '';
  }
  if (type && !type.startsWith('text/plain')) return '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

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
