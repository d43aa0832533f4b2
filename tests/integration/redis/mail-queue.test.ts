import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createClient } from 'redis';
import type { BullMailQueue } from '../../../src/modules/email/queue/bullmq-mail-queue';
import { ManualClock } from '../../../src/platform/clock';
import { MailError } from '../../../src/modules/email/transports/mail-error';
import { createTempDatabase } from '../../helpers/databases';
import { SHARED_REDIS_URL, deleteKeys, metricValue, uniquePrefix, waitFor } from '../../helpers/redis-server';
import { describeWith } from '../../helpers/services';
import { TEST_SECRET, createTestApp, type TestApp } from '../../helpers/test-app';

/** Email jobs on BullMQ: delivery, retries, expiry, dedupe, failed jobs, restarts (issue 4). */
describeWith(['postgres', 'redis'], 'the durable email queue (BullMQ)', () => {
  const prefix = uniquePrefix();
  const clock = new ManualClock(new Date());
  let db: { url: string; drop: () => Promise<void> };
  let producer: TestApp;
  let worker: TestApp;
  const others: TestApp[] = [];
  const closed = new Set<TestApp>();
  const close = async (t: TestApp | undefined) => {
    if (!t || closed.has(t)) return;
    closed.add(t);
    await t.close();
  };
  let seq = 0;
  const email = (label: string) => `queue-${label}-${++seq}@example.com`;

  const instance = (inProcess: boolean) =>
    createTestApp({
      storage: 'postgres',
      postgresUrl: db.url,
      env: {
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        EMAIL_WORKER_IN_PROCESS: String(inProcess),
        EMAIL_HISTORY_RETENTION_DAYS: '7',
      },
      overrides: { clock },
    });
  const queueOf = (t: TestApp) => t.container.queue as BullMailQueue;
  const metric = (t: TestApp, name: string, labels: Record<string, string> = {}) =>
    metricValue(t.container.metrics.registry, name, labels);
  const request = async (t: TestApp, address: string) => {
    const res = await t.http.post('/v1/otp/request').send({ email: address });
    expect(res.status).toBe(202);
  };

  beforeAll(async () => {
    db = await createTempDatabase();
    producer = await instance(false);
    worker = await instance(true);
    await waitFor(
      () =>
        producer.container.readiness.length > 1 &&
        queueOf(producer)
          .counts()
          .then(() => true),
    );
  });

  afterAll(async () => {
    try {
      for (const t of [producer, worker, ...others]) await close(t);
      await db?.drop();
    } finally {
      await deleteKeys(SHARED_REDIS_URL, prefix);
    }
  });

  it('when a code is requested, then the worker mails it once and the code verifies', async () => {
    const address = email('deliver');

    const code = await worker.requestCode(address);

    expect(worker.mailer.to(address)).toHaveLength(1);
    expect((await producer.http.post('/v1/otp/verify').send({ email: address, code })).status).toBe(200);
    expect(await metric(worker, 'emails_total', { outcome: 'sent' })).toBeGreaterThanOrEqual(1);
  });

  it('when the provider fails twice, then the job is retried with backoff and mailed once', async () => {
    const address = email('retry');
    worker.mailer.failNext = [() => new MailError('busy', false), () => new MailError('busy', false)];
    const retriedBefore = await metric(worker, 'emails_total', { outcome: 'retried' });

    await request(worker, address);
    await worker.container.queue.drain();

    expect(worker.mailer.to(address)).toHaveLength(1);
    expect((await metric(worker, 'emails_total', { outcome: 'retried' })) - retriedBefore).toBe(2);
  });

  it('when the provider refuses the address for good, then the job is kept in the failed set and counted', async () => {
    const address = email('permanent');
    worker.mailer.failNext = [() => new MailError('mailbox does not exist', true)];
    const failedBefore = (await queueOf(worker).counts()).failed ?? 0;

    await request(worker, address);
    await worker.container.queue.drain();

    expect(worker.mailer.to(address)).toHaveLength(0);
    expect((await queueOf(worker).counts()).failed).toBe(failedBefore + 1);
    expect(await metric(worker, 'mail_jobs_failed_total')).toBeGreaterThanOrEqual(1);
  });

  it('when a failed job is older than EMAIL_HISTORY_RETENTION_DAYS, then the next failure prunes it and keeps the newer ones', async () => {
    const failedSet = `${prefix}bull:otp-mail:failed`;
    const redis = createClient({ url: SHARED_REDIS_URL });
    await redis.connect();
    try {
      const failPermanently = async (label: string) => {
        const before = new Set(await redis.zRange(failedSet, 0, -1));
        worker.mailer.failNext = [() => new MailError('mailbox does not exist', true)];
        await request(worker, email(label));
        await worker.container.queue.drain();
        const added = (await redis.zRange(failedSet, 0, -1)).filter((id) => !before.has(id));
        expect(added).toHaveLength(1);
        return added[0];
      };
      const old = await failPermanently('retention-old');
      const recent = await failPermanently('retention-recent');
      // The failed set is scored by the time a job finished: make the first one 8 days old.
      await redis.zAdd(failedSet, { score: Date.now() - 8 * 86_400_000, value: old }, { XX: true });

      const latest = await failPermanently('retention-latest');

      const kept = await redis.zRange(failedSet, 0, -1);
      expect(kept).not.toContain(old);
      expect(await redis.exists(`${prefix}bull:otp-mail:${old}`)).toBe(0);
      expect(kept).toEqual(expect.arrayContaining([recent, latest]));
    } finally {
      await redis.quit();
    }
  });

  it('when a job is picked up after its code expired, then it is dropped without mailing', async () => {
    const address = email('expired');
    const expiredBefore = await metric(worker, 'emails_total', { outcome: 'expired' });

    await worker.container.queue.enqueue({
      otpId: randomUUID(),
      email: address,
      expiresAt: new Date(clock.now().getTime() - 1_000).toISOString(),
      locale: 'en',
    });
    await worker.container.queue.drain();

    expect(worker.mailer.to(address)).toHaveLength(0);
    expect((await metric(worker, 'emails_total', { outcome: 'expired' })) - expiredBefore).toBe(1);
  });

  it('when a guess notice is queued twice, then the owner gets it once, with no code, recorded without a code row', async () => {
    const address = email('notice');
    const notice = {
      kind: 'guess_notice' as const,
      noticeId: randomUUID(),
      email: address,
      expiresAt: new Date(clock.now().getTime() + 3_600_000).toISOString(),
      locale: 'de',
    };
    await worker.container.queue.enqueue(notice);
    await worker.container.queue.enqueue(notice);
    await worker.container.queue.drain();

    const [sent, ...more] = worker.mailer.to(address);
    expect(more).toHaveLength(0);
    expect(sent.subject).toContain('Jemand versucht');
    expect(sent.text).not.toMatch(/\d{6}/);
    const [message] = await worker.container.store.emailMessages.listRecentForEmail(address, 5);
    expect(message).toMatchObject({ otpId: null, status: 'sent' });
  });

  it('when the same code row is queued twice, then one job exists (job id = otpId)', async () => {
    const job = {
      otpId: randomUUID(),
      email: email('dedupe'),
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      locale: 'en',
    };
    await close(worker);
    const waitingBefore = (await queueOf(producer).counts()).waiting ?? 0;

    await producer.container.queue.enqueue(job);
    await producer.container.queue.enqueue(job);

    expect((await queueOf(producer).counts()).waiting).toBe(waitingBefore + 1);
    const scrape = await producer.http.get('/metrics');
    expect(scrape.text).toMatch(new RegExp(`mail_queue_depth\\{state="waiting"\\} ${waitingBefore + 1}`));
  });

  it('when jobs are queued while the worker is down, then a restarted worker mails each exactly once', async () => {
    const addresses = [email('restart'), email('restart'), email('restart')];
    for (const address of addresses) await request(producer, address);
    expect((await queueOf(producer).counts()).waiting).toBeGreaterThanOrEqual(3);

    const restarted = await instance(true);
    others.push(restarted);
    await restarted.container.queue.drain();

    for (const address of addresses) {
      const all = [...worker.mailer.to(address), ...restarted.mailer.to(address)];
      expect(all).toHaveLength(1);
      const code = restarted.mailer.lastCode(address);
      expect((await producer.http.post('/v1/otp/verify').send({ email: address, code })).status).toBe(200);
    }
  });

  it('when `npm run worker` runs as its own process, then it mails queued jobs and exits 0 on SIGTERM', async () => {
    for (const t of others) await close(t);
    const address = email('process');
    await request(producer, address);

    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), join(__dirname, '../../../src/worker.ts')],
      {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          SESSION_SECRET: TEST_SECRET,
          POSTGRESQL_URL: db.url,
          REDIS_URL: SHARED_REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          EMAIL_TRANSPORT: 'console',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    await waitFor(() => out.includes(`To: ${address}`), 20_000, 'the worker process to mail the code');
    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(out).toContain('"event":"worker.stopped"');
  }, 30_000);
});
