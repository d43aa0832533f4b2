import { randomBytes } from 'node:crypto';
import { MailError } from '../../src/modules/email/transports/mail-error';
import { ConflictError } from '../../src/platform/errors/app-error';
import { closeInstances, untilRedisReady } from '../helpers/instances';
import { SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-server';
import { describeWith } from '../helpers/services';
import { storedSession } from '../helpers/stored-session';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { KNOWN_REDIS_COMMANDS } from '../../src/platform/redis/command-metrics';

/**
 * The operators' series (docs/operations.md, Metrics): present after real traffic on
 * PostgreSQL (and Redis), every label value from a fixed set, and no address or code in any.
 */

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Series[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
      if (!m) throw new Error(`unparsable metrics line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

const valuesOf = (series: Series[], prefix: string, label: string) =>
  new Set(series.filter((s) => s.name.startsWith(prefix) && label in s.labels).map((s) => s.labels[label]));
const valueOf = (series: Series[], name: string, labels: Record<string, string> = {}) =>
  series
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

/** Every storage operation name the code can produce: store members and repository methods. */
function operationNames(t: TestApp): Set<string> {
  const names = new Set(['transaction']);
  for (const [key, value] of Object.entries(t.container.store)) {
    if (typeof value === 'function') names.add(key);
    else if (typeof value === 'object' && value !== null)
      for (const method of Object.keys(value)) names.add(`${key}.${method}`);
  }
  return names;
}

describeWith('postgres', '/metrics: database, email and sign-in funnel series on PostgreSQL', () => {
  let t: TestApp;
  const emails = Array.from({ length: 5 }, () => `op${randomBytes(5).toString('hex')}@example.org`);
  const codes: string[] = [];
  let series: Series[];
  let text: string;

  beforeAll(async () => {
    t = await createTestApp({ storage: 'postgres' });
    // A unique-key refusal from PostgreSQL itself: the same session row written twice
    // (pg-pool drops the connection a failed query used; the traffic below opens another).
    const { session } = await storedSession(t.container.store, 'metrics-dup');
    await expect(t.container.store.sessions.create(session)).rejects.toBeInstanceOf(ConflictError);
    // A provider failure (retried), then codes, a wrong guess, and a sign-in 42 s after its request.
    t.mailer.failNext.push(() => new MailError('provider answered 503', false, { errorClass: 'server' }));
    for (const email of emails) codes.push(await t.requestCode(email));
    expect((await t.http.post('/v1/otp/verify').send({ email: emails[1], code: '000000' })).status).toBe(401);
    t.clock.advance(42_000);
    const res = await t.http.post('/v1/otp/verify').send({ email: emails[0], code: codes[0] });
    expect(res.status).toBe(200);
    text = (await t.http.get('/metrics')).text;
    series = parse(text);
  });
  afterAll(async () => t?.close());

  it('when traffic ran, then the pool gauges read the PostgreSQL pool', () => {
    expect(valueOf(series, 'db_pool_max_connections')).toBeGreaterThan(0);
    expect(valueOf(series, 'db_pool_connections')).toBeGreaterThan(0);
    expect(valueOf(series, 'db_pool_connections')).toBeLessThanOrEqual(
      valueOf(series, 'db_pool_max_connections'),
    );
    expect(valueOf(series, 'db_pool_idle_connections')).toBeLessThanOrEqual(
      valueOf(series, 'db_pool_connections'),
    );
    expect(series.some((s) => s.name === 'db_pool_waiting_clients')).toBe(true);
  });

  it('when traffic ran, then each statement is timed under its repository or rule name, and the conflict is counted by kind', () => {
    const count = (operation: string) => valueOf(series, 'db_query_duration_seconds_count', { operation });
    expect(count('admitCodeRequest')).toBe(emails.length);
    expect(count('countVerifyAttempt')).toBe(2);
    expect(count('signIn')).toBe(1);
    expect(count('sessions.create')).toBe(2);
    expect(valueOf(series, 'db_errors_total', { kind: 'conflict' })).toBe(1);
    const allowed = operationNames(t);
    for (const op of valuesOf(series, 'db_query_duration_seconds', 'operation'))
      expect([op, allowed.has(op)]).toEqual([op, true]);
  });

  it('when codes were emailed and one signed in, then the delivery and funnel series tell it', () => {
    expect(valueOf(series, 'otp_requests_total', { outcome: 'queued' })).toBe(emails.length);
    expect(valueOf(series, 'email_delivery_seconds_count', { kind: 'code' })).toBe(emails.length);
    expect(valueOf(series, 'email_queue_wait_seconds_count')).toBe(emails.length);
    expect(valueOf(series, 'email_send_attempts_count', { outcome: 'sent' })).toBe(emails.length);
    // The first email took two tries: one message in the le="1" bucket fewer than sent.
    expect(valueOf(series, 'email_send_attempts_bucket', { outcome: 'sent', le: '1' })).toBe(
      emails.length - 1,
    );
    expect(valueOf(series, 'email_provider_errors_total', { provider: 'recording', class: 'server' })).toBe(
      1,
    );
    expect(valueOf(series, 'otp_verifications_total', { result: 'success' })).toBe(1);
    // The manual clock moved 42 s between the request and the verify.
    expect(valueOf(series, 'otp_request_to_verify_seconds_bucket', { le: '30' })).toBe(0);
    expect(valueOf(series, 'otp_request_to_verify_seconds_bucket', { le: '45' })).toBe(1);
  });

  it('when the series are listed, then every label value is from a fixed set and none holds an address or a code', () => {
    const fixed: Array<[string, string, string[]]> = [
      [
        'db_errors_total',
        'kind',
        ['conflict', 'connection', 'timeout', 'transaction', 'resources', 'schema', 'other'],
      ],
      ['email_delivery_seconds', 'kind', ['code', 'guess_notice', 'new_device', 'email_changed']],
      ['email_send_attempts', 'outcome', ['sent', 'failed']],
      [
        'email_provider_errors_total',
        'class',
        ['rejected', 'throttled', 'auth', 'server', 'timeout', 'network', 'circuit_open', 'other'],
      ],
    ];
    for (const [metric, label, values] of fixed)
      for (const v of valuesOf(series, metric, label))
        expect([metric, v, values.includes(v)]).toEqual([metric, v, true]);
    for (const needle of [...emails, ...codes, '@'])
      expect(text.includes(needle) ? needle : undefined).toBeUndefined();
  });
});

describeWith(['postgres', 'redis'], '/metrics: Redis command series', () => {
  let t: TestApp;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    t = await createTestApp({
      storage: 'postgres',
      env: { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix },
    });
    await untilRedisReady(t);
  });
  afterAll(async () => closeInstances([t], undefined, prefix));

  it('when a session is used with Redis, then commands are timed by an allowlisted name, never a key', async () => {
    const email = `rc${randomBytes(5).toString('hex')}@example.org`;
    const signedIn = await t.signIn(email);
    expect(
      (await t.http.get('/v1/users/me').set('Authorization', `Bearer ${signedIn.accessToken}`)).status,
    ).toBe(200);

    const text = (await t.http.get('/metrics')).text;
    const series = parse(text);

    const commands = valuesOf(series, 'redis_command_duration_seconds', 'command');
    expect(commands.size).toBeGreaterThan(0);
    const allowed = [...KNOWN_REDIS_COMMANDS, 'OTHER'];
    for (const c of commands) expect([c, allowed.includes(c)]).toEqual([c, true]);
    expect(valueOf(series, 'redis_command_duration_seconds_count')).toBeGreaterThan(0);
    for (const needle of [email, prefix, signedIn.user.id, signedIn.session.id])
      expect(text.includes(needle) ? needle : undefined).toBeUndefined();
  });
});
