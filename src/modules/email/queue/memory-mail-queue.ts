import type { Logger } from 'winston';
import { MailError } from '../transports/mail-error';
import type { JobResult } from './mail-worker';
import { mailJobRef, type MailJob, type MailQueue } from '../email.ports';
import type { Metrics } from '../../../platform/metrics';
import { withTimeout } from '../../../platform/timeout';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Exponential backoff with full jitter, capped; a provider's Retry-After wins when longer. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(ceiling / 2 + random() * (ceiling / 2));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxDelayMs));
}

/**
 * An in-process email queue for a single instance: jobs run off the request path with
 * retries. It does not survive a restart; with REDIS_URL the durable BullMQ queue is used.
 */
export function createMemoryMailQueue(deps: {
  process: (job: MailJob, attempt: number) => Promise<JobResult>;
  logger: Logger;
  metrics: Metrics;
  retry?: Partial<RetryPolicy>;
}): MailQueue & { size(): number } {
  const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, ...deps.retry };
  const pending = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const run = async (job: MailJob, attempt: number): Promise<void> => {
    try {
      const result = await deps.process(job, attempt);
      deps.metrics.emails.inc({ outcome: result });
    } catch (err) {
      const permanent = err instanceof MailError && err.permanent;
      if (permanent || attempt >= policy.maxAttempts || closed) {
        deps.metrics.emails.inc({ outcome: 'failed' });
        deps.logger.error('otp email failed', {
          event: 'email.failed',
          requestId: job.requestId,
          ...mailJobRef(job),
          attempt,
          permanent,
          error: err instanceof Error ? err.message : String(err),
        });
        return;
      }
      deps.metrics.emails.inc({ outcome: 'retried' });
      const delay = backoffDelay(attempt, policy, err instanceof MailError ? err.retryAfterMs : undefined);
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, delay);
        timers.add(t);
      });
      await run(job, attempt + 1);
    }
  };

  return {
    async enqueue(job) {
      const p = run(job, 1).finally(() => pending.delete(p));
      pending.add(p);
    },
    async drain() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    size: () => pending.size,
    async close() {
      closed = true;
      await withTimeout(this.drain(), 5_000, () => undefined);
      for (const t of timers) clearTimeout(t);
    },
  };
}
