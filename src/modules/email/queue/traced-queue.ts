import { tracing } from '../../../platform/tracing/trace-context';
import type { MailJob, MailQueue } from '../email.ports';
import type { JobResult } from './mail-worker';

/** The queue's name in spans, whichever queue carries the job (BullMQ's or the in-process one). */
const QUEUE = 'otp-mail';

/**
 * Queues each job in a producer span and stores its W3C trace context with the job (`trace`:
 * ids and flags only), so the job's span, in this process or in `npm run worker`, joins the
 * trace of the request that queued it. A no-op passthrough with tracing off.
 */
export function tracedQueue<Q extends MailQueue>(queue: Q): Q {
  // The queue's other members (BullMQ's counts, startWorker) stay as they are.
  return {
    ...queue,
    enqueue: (job: MailJob) =>
      tracing().publish(QUEUE, (trace) => queue.enqueue(trace ? { ...job, trace } : job)),
  };
}

/** Runs each attempt of a job in a consumer span, a child of the span that queued it. */
export function tracedProcessor(
  process: (job: MailJob, attempt: number) => Promise<JobResult>,
): (job: MailJob, attempt: number) => Promise<JobResult> {
  return (job, attempt) => tracing().consume(QUEUE, job.trace, attempt, () => process(job, attempt));
}
