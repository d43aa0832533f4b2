import { Writable } from 'node:stream';
import { SpanKind, trace } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { MailJob } from '../../src/modules/email/email.ports';
import { createMemoryMailQueue } from '../../src/modules/email/queue/memory-mail-queue';
import { tracedProcessor, tracedQueue } from '../../src/modules/email/queue/traced-queue';
import { createLogger } from '../../src/platform/logger';
import { createMetrics } from '../../src/platform/metrics';
import { otelTracing } from '../../src/platform/tracing/otel-tracing';
import { installTracing, tracing } from '../../src/platform/tracing/trace-context';

/**
 * The service's tracing on OpenTelemetry's SDK in this process (an in-memory exporter): the
 * request id in the context, log lines naming the trace, and a mail job's span joined to the
 * request that queued it, on the in-process queue and across a serialised (BullMQ) job.
 */
const exporter = new InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
provider.register();
installTracing(otelTracing(async () => undefined));
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const job: MailJob = {
  otpId: 'otp-1',
  email: 'ann@example.com',
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
  locale: 'en',
};
const inRequest = <T>(requestId: string, work: () => Promise<T>): Promise<T> =>
  trace
    .getTracer('test')
    .startActiveSpan('POST /v1/otp/request', { kind: SpanKind.SERVER }, (span) =>
      new Promise<T>((done, fail) =>
        tracing().bindRequest(requestId, () => void work().then(done, fail)),
      ).finally(() => span.end()),
    );

describe('tracing on', () => {
  it('when a line is logged inside a request, then it names the request and the trace; outside, neither', async () => {
    const chunks: string[] = [];
    const stream = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
    const logger = createLogger({ level: 'info', stream });
    await inRequest('req-42', async () => logger.info('inside', { event: 'test.inside' }));
    logger.info('outside');
    const [inside, outside] = chunks.map((c) => JSON.parse(c) as Record<string, unknown>);
    const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(inside).toMatchObject({ requestId: 'req-42', traceId: server?.spanContext().traceId });
    expect(outside.requestId).toBeUndefined();
    expect(outside.traceId).toBeUndefined();
  });

  it('when the in-process queue sends a job, then its span is a child of the send, in the request trace', async () => {
    const seen: (string | undefined)[] = [];
    const process = tracedProcessor(async () => {
      seen.push(tracing().current()?.traceId);
      return 'sent';
    });
    const memory = createMemoryMailQueue({
      process,
      logger: createLogger({ level: 'error', silent: true }),
      metrics: createMetrics(),
    });
    const queue = tracedQueue(memory);
    await inRequest('req-1', () => queue.enqueue(job));
    await queue.drain();
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const send = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
    const processed = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(send.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(processed.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(seen).toEqual([server.spanContext().traceId]);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('ann@example.com');
  });

  it('when a job is stored (JSON, as BullMQ keeps it) and run later outside the request, then it still joins that trace', async () => {
    const stored: string[] = [];
    const queue = tracedQueue({
      enqueue: async (j) => void stored.push(JSON.stringify(j)),
      drain: async () => undefined,
      close: async () => undefined,
    });
    await inRequest('req-2', () => queue.enqueue(job));
    const data = JSON.parse(stored[0]) as MailJob;
    expect(data.trace?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await tracedProcessor(async () => 'sent')(data, 2);
    const spans = exporter.getFinishedSpans();
    const send = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
    const processed = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(processed.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(processed.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(processed.attributes['messaging.delivery.attempt']).toBe(2);
  });
});
