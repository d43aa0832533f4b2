import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger';
import { createMetrics } from '../../src/platform/metrics';
import {
  backoffDelay,
  createMemoryMailQueue,
  type RetryPolicy,
} from '../../src/modules/email/queue/memory-mail-queue';
import { MailError } from '../../src/modules/email/transports/mail-error';
import type { JobResult } from '../../src/modules/email/queue/mail-worker';
import type { MailJob } from '../../src/modules/email/email.ports';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
const top = () => 0.999_999;
const bottom = () => 0;

describe('backoffDelay', () => {
  it('when attempts go on, then the ceiling doubles each time', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, undefined, top))).toEqual([99, 199, 399, 799]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, undefined, bottom))).toEqual([50, 100, 200, 400]);
  });

  it('when the doubling passes maxDelayMs, then it is capped there', () => {
    for (const attempt of [5, 6, 10, 40]) {
      expect(backoffDelay(attempt, policy, undefined, top)).toBeLessThanOrEqual(1_000);
      expect(backoffDelay(attempt, policy, undefined, bottom)).toBe(500);
    }
  });

  it('when jitter is random, then every delay lies within [ceiling/2, ceiling]', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delays = Array.from({ length: 200 }, () => backoffDelay(attempt, policy));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(ceiling / 2);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      expect(new Set(delays).size).toBeGreaterThan(1);
    }
  });

  it('when the provider asks for a longer Retry-After, then it is honoured', () => {
    expect(backoffDelay(1, policy, 700, top)).toBe(700);
  });

  it('when Retry-After is longer than maxDelayMs, then it is capped at maxDelayMs', () => {
    expect(backoffDelay(1, policy, 60_000, bottom)).toBe(1_000);
  });

  it('when Retry-After is shorter than the backoff, then the backoff wins', () => {
    expect(backoffDelay(3, policy, 10, bottom)).toBe(200);
  });
});

describe('createMemoryMailQueue', () => {
  const job: MailJob = {
    otpId: 'otp-1',
    email: 'person@example.com',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    locale: 'en',
  };

  /** A queue over `steps`: each call takes the next step (throw or result); records attempts and logs. */
  function queueOver(steps: Array<Error | JobResult>, retry: Partial<RetryPolicy> = {}) {
    const attempts: number[] = [];
    const logs: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        logs.push(JSON.parse(chunk.toString()));
        cb();
      },
    });
    const metrics = createMetrics();
    const queue = createMemoryMailQueue({
      process: async (_job, attempt) => {
        attempts.push(attempt);
        const step = steps[Math.min(attempts.length - 1, steps.length - 1)];
        if (step instanceof Error) throw step;
        return step;
      },
      logger: createLogger({ level: 'debug', stream }),
      metrics,
      retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 10, ...retry },
    });
    const outcomes = async () =>
      Object.fromEntries((await metrics.emails.get()).values.map((v) => [v.labels.outcome, v.value]));
    return { queue, attempts, logs, outcomes };
  }

  const transient = () => new MailError('421 try later', false);
  const permanent = () => new MailError('550 no such user', true);

  it('when sending fails transiently, then it is retried until it succeeds', async () => {
    const { queue, attempts, logs, outcomes } = queueOver([transient(), transient(), 'sent']);
    await queue.enqueue(job);
    await queue.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(await outcomes()).toEqual({ retried: 2, sent: 1 });
    expect(logs.filter((l) => l.event === 'email.failed')).toEqual([]);
    expect(queue.size()).toBe(0);
  });

  it('when a non-MailError is thrown (a bug, a network hiccup), then it is retried as transient', async () => {
    const { queue, attempts } = queueOver([new Error('ECONNRESET'), 'sent']);
    await queue.enqueue(job);
    await queue.drain();
    expect(attempts).toEqual([1, 2]);
  });

  it('when the failure is permanent, then it stops at once and logs it', async () => {
    const { queue, attempts, logs, outcomes } = queueOver([permanent(), 'sent']);
    await queue.enqueue(job);
    await queue.drain();
    expect(attempts).toEqual([1]);
    expect(await outcomes()).toEqual({ failed: 1 });
    expect(logs.find((l) => l.event === 'email.failed')).toMatchObject({
      otpId: 'otp-1',
      attempt: 1,
      permanent: true,
    });
  });

  it('when every attempt fails transiently, then it gives up after maxAttempts', async () => {
    const { queue, attempts, logs, outcomes } = queueOver([transient()], { maxAttempts: 3 });
    await queue.enqueue(job);
    await queue.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(await outcomes()).toEqual({ retried: 2, failed: 1 });
    expect(logs.filter((l) => l.event === 'email.failed')).toEqual([
      expect.objectContaining({ attempt: 3, permanent: false }),
    ]);
  });

  it('when the provider sends Retry-After, then the next attempt waits at least that long', async () => {
    const { queue, attempts } = queueOver([new MailError('429', false, { retryAfterMs: 80 }), 'sent'], {
      maxDelayMs: 200,
    });
    const started = Date.now();
    await queue.enqueue(job);
    await queue.drain();
    expect(attempts).toEqual([1, 2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('when the job ends as expired or stale, then it is counted by that outcome, not retried', async () => {
    const expired = queueOver(['expired']);
    await expired.queue.enqueue(job);
    await expired.queue.drain();
    expect(expired.attempts).toEqual([1]);
    expect(await expired.outcomes()).toEqual({ expired: 1 });
  });

  it('when closed while a job waits to retry, then it gives up instead of retrying forever', async () => {
    const { queue, attempts } = queueOver([transient()], {
      maxAttempts: 50,
      baseDelayMs: 20,
      maxDelayMs: 20,
    });
    await queue.enqueue(job);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await queue.close();
    expect(attempts.length).toBeLessThanOrEqual(2);
    expect(queue.size()).toBe(0);
  });
});
