import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator, getRPCMetadata } from '@opentelemetry/core';
import type { JobTrace, Tracing } from './trace-context';

const REQUEST_ID = createContextKey('otp-login-api request id');
/**
 * Jobs carry W3C trace context whatever OTEL_PROPAGATORS says: an operator may turn off the
 * propagation of incoming headers at the public edge without cutting the queue's traces.
 */
const w3c = new W3CTraceContextPropagator();
const tracer = () => trace.getTracer('otp-login-api');

/** Ends `span` once `work` settles; a failure marks it (the message is scrubbed at export). */
async function within<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** Tracing on OpenTelemetry's API (the SDK registered by start-sdk.ts); see trace-context.ts. */
export function otelTracing(flush: () => Promise<void>): Tracing {
  return {
    current() {
      const ctx = context.active();
      const span = trace.getSpan(ctx);
      if (!span || !trace.isSpanContextValid(span.spanContext())) return undefined;
      const { traceId, spanId } = span.spanContext();
      const requestId = ctx.getValue(REQUEST_ID) as string | undefined;
      return requestId ? { traceId, spanId, requestId } : { traceId, spanId };
    },

    bindRequest(requestId, next) {
      const ctx = context.active();
      // The HTTP server span (the instrumentation keeps it in the context): searchable by request id.
      getRPCMetadata(ctx)?.span?.setAttribute('request.id', requestId);
      context.with(ctx.setValue(REQUEST_ID, requestId), next);
    },

    publish(queue, send) {
      const attributes = { 'messaging.destination.name': queue, 'messaging.operation.type': 'send' };
      return tracer().startActiveSpan(`send ${queue}`, { kind: SpanKind.PRODUCER, attributes }, (span) =>
        within(span, () => {
          const carrier: Record<string, string> = {};
          w3c.inject(context.active(), carrier, defaultTextMapSetter);
          const job: JobTrace | undefined = carrier.traceparent
            ? {
                traceparent: carrier.traceparent,
                ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
              }
            : undefined;
          return send(job);
        }),
      );
    },

    consume(queue, job, attempt, run) {
      // A child of the span that queued the job, in a process of its own or later in this one:
      // never of whatever happens to be active here (the in-process queue runs inside a request).
      const parent = job ? w3c.extract(ROOT_CONTEXT, { ...job }, defaultTextMapGetter) : ROOT_CONTEXT;
      const attributes = {
        'messaging.destination.name': queue,
        'messaging.operation.type': 'process',
        'messaging.delivery.attempt': attempt,
      };
      return tracer().startActiveSpan(
        `process ${queue}`,
        { kind: SpanKind.CONSUMER, attributes },
        parent,
        (span) => within(span, run),
      );
    },

    flush,
  };
}
