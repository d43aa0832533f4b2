import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Cluster } from 'ioredis';
import client from 'prom-client';
import type { Logger } from 'winston';
import { MailError } from '../transports/mail-error';
import type { JobResult } from './mail-worker';
import { mailJobId, mailJobRef, type MailJob, type MailQueue } from '../email.ports';
import type { Metrics } from '../../../platform/metrics';
import { withTimeout } from '../../../platform/timeout';
import { bullConnection } from './bullmq-connection';
import { backoffDelay, type RetryPolicy } from './memory-mail-queue';

export const MAIL_QUEUE_NAME = 'otp-mail';

export interface BullMailQueueOptions {
  url?: string;
  clusterNodes: string[];
  keyPrefix: string;
  commandTimeoutMs: number;
  process: (job: MailJob, attempt: number) => Promise<JobResult>;
  /** Where jobs go while Redis cannot take them (this instance's memory queue). */
  fallback: MailQueue;
  worker: { inProcess: boolean; concurrency: number };
  retry?: Partial<RetryPolicy>;
  /** How long a failed job is kept in the failed set for inspection (EMAIL_HISTORY_RETENTION_DAYS). */
  failedRetentionSeconds: number;
  /** The shared connection's health: while Redis is known down, jobs go straight to the fallback. */
  redisUsable: () => boolean;
  logger: Logger;
  metrics: Metrics;
}

export type BullMailQueue = MailQueue & {
  /** Starts a worker in this process (the API by default, or `npm run worker`). */
  startWorker(): void;
  counts(): Promise<Record<string, number>>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The durable email queue (BullMQ): job id = otpId or notice id (queued once), retries with
 * capped exponential backoff and full jitter, jobs whose code expired are dropped, failed
 * jobs kept (for the retention, at most 10,000) and counted, the depth exported on scrape. The payload is
 * {otpId, email, expiresAt, locale} (a notice: its id instead): the worker mints the code, so
 * Redis never holds one.
 * When Redis refuses a job, it goes to this instance's memory queue instead (logged once).
 */
export function createBullMailQueue(o: BullMailQueueOptions): BullMailQueue {
  const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, ...o.retry };
  // Redis Cluster needs all of a queue's keys in one slot: a hash-tagged prefix.
  const prefix = o.clusterNodes.length > 0 ? `{${o.keyPrefix}bull}` : `${o.keyPrefix}bull`;
  const owned: Cluster[] = [];
  const queue = new Queue<MailJob, JobResult>(MAIL_QUEUE_NAME, {
    connection: bullConnection(o, 'producer', owned),
    prefix,
  });
  let worker: Worker<MailJob, JobResult> | undefined;
  let producerDown = false;
  let workerErrorLogged = false;
  queue.on('error', () => undefined); // enqueue reports its own failures

  const fallbacks = new client.Counter({
    name: 'mail_queue_fallback_total',
    help: 'Email jobs sent through the in-process queue because Redis refused them',
    registers: [o.metrics.registry],
  });
  const failedJobs = new client.Counter({
    name: 'mail_jobs_failed_total',
    help: 'Email jobs that used up their attempts or failed permanently (kept in the failed set)',
    registers: [o.metrics.registry],
  });
  const counts = async () => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  new client.Gauge({
    name: 'mail_queue_depth',
    help: 'Email jobs in the durable queue by state, read on scrape',
    labelNames: ['state'],
    registers: [o.metrics.registry],
    async collect() {
      // While Redis is down the depth is unknown: the scrape must still succeed.
      const c = await withTimeout(
        counts().catch(() => undefined),
        o.commandTimeoutMs,
        () => undefined,
      );
      for (const [state, n] of Object.entries(c ?? {})) this.set({ state }, n);
    },
  });

  const processJob = async (job: Job<MailJob, JobResult>): Promise<JobResult> => {
    const attempt = job.attemptsMade + 1;
    try {
      const result = await o.process(job.data, attempt);
      o.metrics.emails.inc({ outcome: result });
      return result;
    } catch (err) {
      if (err instanceof MailError && err.permanent) throw new UnrecoverableError(err.message);
      if (attempt < policy.maxAttempts) o.metrics.emails.inc({ outcome: 'retried' });
      throw err;
    }
  };

  const onFailed = (job: Job<MailJob, JobResult> | undefined, err: Error) => {
    if (!job?.finishedOn) return; // a retry is scheduled
    const expired = new Date(job.data.expiresAt).getTime() <= Date.now();
    o.metrics.emails.inc({ outcome: expired ? 'expired' : 'failed' });
    if (!expired) failedJobs.inc();
    o.logger.error('otp email failed', {
      event: 'email.failed',
      requestId: job.data.requestId,
      ...mailJobRef(job.data),
      attempt: job.attemptsMade,
      expired,
      error: err.message,
    });
  };

  return {
    async enqueue(job) {
      try {
        if (!o.redisUsable()) throw new Error('redis unavailable');
        const added = queue.add('otp', job, {
          jobId: mailJobId(job),
          attempts: policy.maxAttempts,
          backoff: { type: 'otp-jitter' },
          removeOnComplete: { age: 3_600, count: 1_000 },
          // Pruned when later jobs fail: older than the retention, or beyond the newest 10,000.
          removeOnFail: { age: o.failedRetentionSeconds, count: 10_000 },
        });
        added.catch(() => undefined);
        // Bounded even before the producer's first connection, when ioredis has no command timeout yet.
        const ms = o.commandTimeoutMs * 2;
        await withTimeout(added, ms, () => {
          throw new Error(`redis did not answer within ${ms} ms`);
        });
        if (producerDown) o.logger.info('email queue back on Redis', { event: 'mailqueue.recovered' });
        producerDown = false;
      } catch (err) {
        fallbacks.inc();
        if (!producerDown)
          o.logger.warn('email queue unreachable; sending through the in-process queue', {
            event: 'mailqueue.fallback',
            error: describe(err),
          });
        producerDown = true;
        await o.fallback.enqueue(job);
      }
    },

    startWorker() {
      if (worker) return;
      worker = new Worker<MailJob, JobResult>(MAIL_QUEUE_NAME, processJob, {
        connection: bullConnection(o, 'worker', owned),
        prefix,
        concurrency: o.worker.concurrency,
        // After a lost connection, resume within a second or two of Redis coming back (default 15 s).
        runRetryDelay: 1_000,
        settings: {
          // A retry that would land after the code expired is pointless: drop the job now.
          backoffStrategy: (attemptsMade, _type, err, job) => {
            const delay = backoffDelay(
              attemptsMade,
              policy,
              err instanceof MailError ? err.retryAfterMs : undefined,
            );
            const expiresAt = new Date((job?.data as MailJob | undefined)?.expiresAt ?? 0).getTime();
            return Date.now() + delay >= expiresAt ? -1 : delay;
          },
        },
      });
      worker.on('failed', onFailed);
      worker.on('completed', () => {
        workerErrorLogged = false;
      });
      worker.on('error', (err) => {
        if (workerErrorLogged) return;
        workerErrorLogged = true;
        o.logger.warn('email worker lost Redis; it resumes by itself', {
          event: 'mailworker.error',
          error: describe(err),
        });
      });
    },

    counts,

    async drain() {
      await o.fallback.drain();
      // Only a worker in this process can empty the queue; otherwise jobs wait for `npm run worker`.
      if (!worker) return;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const c = await withTimeout(counts(), o.commandTimeoutMs, () => undefined).catch(() => undefined);
        if (!c) break;
        const pending = (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
        if (pending === 0) break;
        await sleep(10);
      }
      await o.fallback.drain();
    },

    async close() {
      // An active job finishes (or is handed back for another worker) before the worker stops.
      if (worker) {
        const w = worker;
        const closed = await withTimeout(
          w.close().then(() => true),
          10_000,
          () => false,
        );
        if (!closed) await withTimeout(w.close(true), 5_000, () => undefined).catch(() => undefined);
      }
      await withTimeout(queue.close(), 5_000, () => undefined).catch(() => undefined);
      for (const c of owned) c.disconnect();
      await o.fallback.close();
    },
  };
}
