import { createClient } from 'redis';
import { ManualClock } from '../../../src/platform/clock';
import { createTempDatabase } from '../../helpers/databases';
import { SHARED_REDIS_URL, freePort, metricValue, uniquePrefix } from '../../helpers/redis-server';
import { describeWith } from '../../helpers/services';
import { closeInstances, untilRedisReady } from '../../helpers/instances';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * The global hourly ceilings are one count for every instance: two app instances over one
 * database and one Redis (where the ceilings are counted) spend one budget.
 */
describeWith(['postgres', 'redis'], 'the global ceilings across two instances sharing Redis', () => {
  const HOUR_MS = 3_600_000;
  const prefix = uniquePrefix();
  // The start of an hour, so the fixed window cannot end in the middle of the test.
  const clock = new ManualClock(new Date(Math.ceil(Date.now() / HOUR_MS) * HOUR_MS + 1_000));
  let db: { url: string; drop: () => Promise<void> };
  let a: TestApp;
  let b: TestApp;
  let seq = 0;
  const email = (label: string) => `ceilings-${label}-${++seq}@example.com`;
  const ip = () => `10.1.${++seq}.1`;

  const instance = (worker: boolean) =>
    createTestApp({
      storage: 'postgres',
      postgresUrl: db.url,
      env: {
        EMAIL_WORKER_IN_PROCESS: String(worker),
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        TRUST_PROXY: '1',
        OTP_MAX_CODES_PER_HOUR_GLOBAL: '3',
        OTP_MAX_FAILED_PER_HOUR_GLOBAL: '2',
      },
      overrides: { clock },
    });
  const request = (t: TestApp, address: string) =>
    t.http.post('/v1/otp/request').set('X-Forwarded-For', ip()).send({ email: address });
  const verify = (t: TestApp, address: string, code: string) =>
    t.http.post('/v1/otp/verify').set('X-Forwarded-For', ip()).send({ email: address, code });
  const sent = async () => {
    await a.container.queue.drain();
    return a.mailer.sent.length;
  };
  /** B sends none: its worker is off, A's sends every code. */
  const codeFor = async (t: TestApp, address: string) => {
    expect((await request(t, address)).status).toBe(202);
    await a.container.queue.drain();
    return a.mailer.lastCode(address);
  };

  beforeAll(async () => {
    db = await createTempDatabase();
    a = await instance(true);
    b = await instance(false);
    await untilRedisReady(a, b);
  });

  afterAll(() => closeInstances([a, b], db, prefix));

  it('when codes are asked for on both instances, then together they send no more than the ceiling', async () => {
    const statuses = [];
    for (const t of [a, b, a, b]) statuses.push((await request(t, email('send'))).status);

    expect(statuses).toEqual([202, 202, 202, 202]);
    expect(await sent()).toBe(3);
    const hits = { ceiling: 'codes_sent' };
    expect(await metricValue(b.container.metrics.registry, 'otp_global_ceiling_hits_total', hits)).toBe(1);
    const client = createClient({ url: SHARED_REDIS_URL });
    await client.connect();
    try {
      const hour = Math.floor(clock.now().getTime() / HOUR_MS);
      expect(await client.get(`${prefix}ceiling:codes_sent:${hour}`)).toBe('4');
      expect(await client.ttl(`${prefix}ceiling:codes_sent:${hour}`)).toBeGreaterThan(3600);
    } finally {
      client.destroy();
    }
  });

  it('when wrong guesses on both instances reach the failure ceiling, then a right code is refused on either', async () => {
    clock.advance(HOUR_MS);
    const [first, second, owner] = [email('a'), email('b'), email('owner')];
    const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect((await verify(a, first, wrong(await codeFor(a, first)))).status).toBe(401);
    expect((await verify(b, second, wrong(await codeFor(a, second)))).status).toBe(401);

    const refused = await verify(b, owner, await codeFor(a, owner));

    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_code');
    const hits = { ceiling: 'failed_verifies' };
    expect(await metricValue(b.container.metrics.registry, 'otp_global_ceiling_hits_total', hits)).toBe(1);
  });
});

describe('the global ceiling when Redis cannot be reached', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens there: the instance runs degraded, as during an outage.
    t = await createTestApp({
      env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, OTP_MAX_CODES_PER_HOUR_GLOBAL: '2' },
    });
  });
  afterAll(async () => t.close());

  it('when codes are asked for, then the ceiling is counted in memory: never a 5xx, never switched off', async () => {
    const emails = ['down-1@example.com', 'down-2@example.com', 'down-3@example.com'];
    const statuses = [];
    for (const address of emails)
      statuses.push((await t.http.post('/v1/otp/request').send({ email: address })).status);
    await t.container.queue.drain();

    expect(statuses).toEqual([202, 202, 202]);
    expect(t.mailer.sent.map((m) => m.to)).toEqual(emails.slice(0, 2));
    expect(t.logs).toContainEqual(
      expect.objectContaining({ event: 'ceiling.fallback', ceiling: 'codes_sent' }),
    );
  });
});
