import { createHmac, randomBytes } from 'node:crypto';
import { createTempDatabase } from '../helpers/databases';
import {
  SHARED_REDIS_URL,
  deleteKeys,
  dumpKeys,
  startPrivateRedis,
  uniquePrefix,
  waitFor,
  type PrivateRedis,
} from '../helpers/redis-server';
import { describeWith } from '../helpers/services';
import { createTestApp, type TestApp } from '../helpers/test-app';

const PATH = '/v1/webhooks/mailgun';
const SIGNING_KEY = 'mailgun-signing-key-for-replica-tests-0123';

/** A signed Mailgun webhook; `token` reused is what a replay looks like. */
function signed(token: string, eventData: object) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', SIGNING_KEY)
    .update(timestamp + token)
    .digest('hex');
  return JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData });
}
const eventData = (event: string) => ({
  id: `mgev-${randomBytes(8).toString('hex')}`,
  event,
  recipient: 'someone@example.com',
  timestamp: Date.now() / 1000,
});
const post = (t: TestApp, body: string) =>
  t.http.post(PATH).set('Content-Type', 'application/json').send(body);

/**
 * Mailgun signs a token, not the body, so a captured token must be refused by every replica
 * (docs/email.md, Mailgun): the guard lives in the database, or in Redis when configured.
 */
function replicaCases(
  extraEnv: () => Record<string, string>,
  after?: (a: TestApp) => Promise<void>,
  more?: (apps: () => [TestApp, TestApp]) => void,
) {
  let db: { url: string; drop: () => Promise<void> };
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await createTempDatabase();
    const env = () => ({ MAILGUN_WEBHOOK_SIGNING_KEY: SIGNING_KEY, ...extraEnv() });
    a = await createTestApp({ storage: 'postgres', postgresUrl: db.url, env: env() });
    b = await createTestApp({ storage: 'postgres', postgresUrl: db.url, env: env() });
    // With Redis, each instance connects in the background: wait until neither would fall back.
    for (const t of [a, b]) {
      const redis = t.container.readiness.find((r) => r.name === 'redis');
      if (redis) await waitFor(async () => (await redis.check()) === 'ok', 10_000, 'redis ready');
    }
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('when a token accepted by instance A is replayed to instance B, then B refuses it with 401', async () => {
    const token = randomBytes(25).toString('hex');
    expect((await post(a, signed(token, eventData('delivered')))).status).toBe(204);
    const replay = await post(b, signed(token, eventData('failed')));
    expect(replay.status).toBe(401);
    expect(b.logs.filter((l) => l.event === 'webhook.refused').pop()).toMatchObject({ reason: 'replayed' });
    expect((await post(a, signed(token, eventData('complained')))).status).toBe(401);
    await after?.(a);
  });

  it('when racing copies of one token reach both instances, then exactly one is accepted', async () => {
    const token = randomBytes(25).toString('hex');
    const statuses = await Promise.all(
      [a, b, a, b].map((t) => post(t, signed(token, eventData('delivered'))).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
  });

  more?.(() => [a, b]);
}

describeWith('postgres', 'Mailgun tokens across instances (database)', () => {
  replicaCases(() => ({}));
});

describeWith(['postgres', 'redis'], 'Mailgun tokens across instances (Redis)', () => {
  const prefix = uniquePrefix();
  afterAll(async () => deleteKeys(SHARED_REDIS_URL, prefix));
  replicaCases(
    () => ({ REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix }),
    async () => {
      // The claim went to Redis (as a hash: the token itself is stored nowhere).
      const keys = await dumpKeys(SHARED_REDIS_URL, prefix);
      expect(keys).toMatch(new RegExp(`${prefix}webhook-token:mailgun:[0-9a-f]{64}`));
    },
  );
});

describeWith('postgres', 'Mailgun tokens across instances while Redis is down (database fallback)', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  replicaCases(
    () => ({ REDIS_URL: redis.url }),
    undefined,
    (apps) => {
      it('when Redis stops, then a token accepted by A is still refused by B, through the database', async () => {
        const [a, b] = apps();
        const redisState = (t: TestApp) => t.container.readiness.find((r) => r.name === 'redis')?.check();
        redis.pause(); // SIGSTOP: commands time out and each instance runs degraded
        try {
          for (const t of [a, b]) {
            await waitFor(async () => (await redisState(t)) === 'degraded', 10_000, 'redis degraded');
          }
          const token = randomBytes(25).toString('hex');
          expect((await post(a, signed(token, eventData('delivered')))).status).toBe(204);
          expect((await post(b, signed(token, eventData('failed')))).status).toBe(401);
        } finally {
          redis.resume();
        }
        for (const t of [a, b])
          await waitFor(async () => (await redisState(t)) === 'ok', 10_000, 'redis back');
      });
    },
  );
  // Declared after the instances' hooks, so they close while Redis still answers.
  afterAll(async () => redis?.stop());
});
