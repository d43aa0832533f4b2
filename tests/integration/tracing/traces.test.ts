import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createTempDatabase } from '../../helpers/databases';
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../../helpers/redis-server';
import { describeWith } from '../../helpers/services';
import { freePort, textPart, waitFor } from '../../e2e/service-process';
import { attribute, descendsFrom, spanTexts, startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';

const root = join(__dirname, '..', '..', '..');
const EMAIL = `trace-${randomBytes(4).toString('hex')}@example.com`;
const SERVER = 2;
const CONSUMER = 5;

/**
 * The built service (`node dist/main.js`, as `npm start` runs it) on PostgreSQL and Redis with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at a local OTLP/HTTP receiver: one code request, one
 * verify, and what the exported spans show (docs/observability.md).
 */
describeWith(['postgres', 'redis'], 'traces of the built service', () => {
  let receiver: OtlpReceiver;
  let smtp: SMTPServer;
  let db: { url: string; drop: () => Promise<void> };
  let child: ChildProcess | undefined;
  let output = '';
  const mails: { to: string[]; raw: string }[] = [];
  const prefix = uniquePrefix();
  let base = '';

  beforeAll(async () => {
    // Built first, untimed (CI builds before the tests; a stale checkout compiles here).
    expect(spawnSync('node', ['scripts/build-if-changed.mjs'], { cwd: root, stdio: 'ignore' }).status).toBe(
      0,
    );
    receiver = await startOtlpReceiver();
    db = await createTempDatabase();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString(),
          });
          callback();
        });
      },
    });
    await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        PORT: String(port),
        HOST: '127.0.0.1',
        SESSION_SECRET: randomBytes(32).toString('hex'),
        POSTGRESQL_URL: db.url,
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
        SMTP_FROM: 'login@trace.example',
        SMTP_REQUIRE_TLS: 'false',
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'otp-login-api-test',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        DOTENV_CONFIG_PATH: join(root, 'no-such.env'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    await waitFor(
      'GET /health/ready',
      async () => {
        if (child?.exitCode !== null) throw new Error(`the service exited:\n${output}`);
        return fetch(`${base}/health/ready`).then(
          (r) => (r.ok ? true : undefined),
          () => undefined,
        );
      },
      20_000,
    );
  }, 600_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((done) => child?.once('exit', done));
    }
    await new Promise<void>((done) => (smtp ? smtp.close(() => done()) : done()));
    await receiver?.close();
    await db?.drop();
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  const post = (path: string, body: object) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('when a code is requested and verified, then the spans join request, job, database and Redis, and hold no address or code', async () => {
    const requested = await post('/v1/otp/request', { email: EMAIL });
    expect(requested.status).toBe(202);
    const requestId = requested.headers.get('x-request-id');
    const mail = await waitFor('the code email', () => mails.find((m) => m.to.includes(EMAIL)), 10_000);
    const code = /\b(\d{6})\b/.exec(textPart(mail.raw))?.[1] as string;
    expect(code).toMatch(/^\d{6}$/);
    expect((await post('/v1/otp/verify', { email: EMAIL, code })).status).toBe(200);
    // A problem answer names its trace.
    const refused = await post('/v1/otp/verify', { email: EMAIL, code: 'x' });
    const problem = (await refused.json()) as { requestId: string; traceId?: string };
    expect(problem.traceId).toMatch(/^[0-9a-f]{32}$/);

    const spans = receiver.spans;
    const serverSpan = (route: string) => (): (typeof spans)[number] | undefined =>
      spans.find(
        (s) => s.kind === SERVER && attribute(s, 'http.route') === route && s.traceId !== problem.traceId,
      );
    const verify = await waitFor('the verify server span', serverSpan('/v1/otp/verify'), 10_000);
    const request = await waitFor('the request server span', serverSpan('/v1/otp/request'), 10_000);
    const job = await waitFor(
      'the mail job span',
      () => spans.find((s) => s.kind === CONSUMER && s.traceId === request.traceId),
      10_000,
    );

    // verify: PostgreSQL and Redis calls under its server span.
    const under = (system: string) =>
      spans.filter((s) => attribute(s, 'db.system.name') === system && descendsFrom(s, verify, spans));
    expect(under('postgresql').length).toBeGreaterThan(0);
    expect(under('redis').length).toBeGreaterThan(0);
    expect(attribute(verify, 'request.id')).toMatch(/^[0-9a-f-]{36}$/);

    // The mail job (BullMQ, through Redis) is in the trace of the request that queued it.
    expect(descendsFrom(job, request, spans)).toBe(true);
    expect(attribute(request, 'request.id')).toBe(requestId);

    // Log lines of the request carry its request id and trace id.
    const requestedLine = output.split('\n').find((l) => l.includes('"event":"otp.requested"'));
    expect(JSON.parse(requestedLine ?? '{}')).toMatchObject({ requestId, traceId: request.traceId });

    // No address anywhere in what was exported; no code in any span's attributes.
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain(EMAIL);
    expect(exported).not.toContain(encodeURIComponent(EMAIL));
    expect(exported).not.toContain(EMAIL.split('@')[0]);
    const withCode = spans.filter((s) => spanTexts(s).some((t) => t.includes(code)));
    expect(withCode).toEqual([]);
  });
});
