import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { otelTracing } from './otel-tracing';
import { ScrubbingExporter } from './scrub';
import type { Tracing } from './trace-context';
import type { TracingTarget } from './tracing-target';

/** Probes and scrapes: a span every few seconds that says nothing. */
const UNTRACED_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/** The OTLP/HTTP exporter for OTEL_EXPORTER_OTLP(_TRACES)_PROTOCOL: http/protobuf (default) or http/json. */
function otlpExporter(target: TracingTarget, env: NodeJS.ProcessEnv): SpanExporter {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || '').trim();
  // New Relic: its endpoint and the licence key as `api-key`; otherwise the exporter reads OTEL_*.
  const options = target.kind === 'new-relic' ? { url: target.url, headers: target.headers } : {};
  return protocol === 'http/json' ? new JsonExporter(options) : new ProtobufExporter(options);
}

/**
 * Starts OpenTelemetry (`@opentelemetry/sdk-node`: sampler, resource and batch settings from the
 * standard OTEL_* variables) with the instrumentations of what this service talks to, each
 * set up to record no personal data: no bodies or headers (http), no query parameters (pg's
 * `enhancedDatabaseReporting` off), only the command name (Redis), no query text (mongoose);
 * then every exported span is scrubbed once more (scrub.ts). Database and Redis calls are
 * traced only inside a trace (a request or a job), not the background sweeps and probes.
 * Metrics stay on /metrics and logs on stdout: only traces are exported.
 */
export function startTracing(target: TracingTarget, env: NodeJS.ProcessEnv): Tracing {
  const named = env.OTEL_SERVICE_NAME || /(^|,)\s*service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const commandOnly = (command: string) => command;
  // New Relic refuses attribute values over 4,095 characters (a long SQL text); a set limit wins.
  const newRelicLimit =
    target.kind === 'new-relic' &&
    !env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT &&
    !env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT;
  const sdk = new NodeSDK({
    serviceName: named ? undefined : 'otp-login-api',
    traceExporter: new ScrubbingExporter(otlpExporter(target, env)),
    spanLimits: newRelicLimit ? { attributeValueLengthLimit: 4095 } : undefined,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
      }),
      // Route and request-handler spans; the platform's middlewares are one layer, not worth a span each.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new PgInstrumentation({
        enhancedDatabaseReporting: false,
        requireParentSpan: true,
        ignoreConnectSpans: true,
      }),
      new RedisInstrumentation({ dbStatementSerializer: commandOnly, requireParentSpan: true }),
      // BullMQ's connections: its workers poll all the time, so only commands inside a trace.
      new IORedisInstrumentation({ dbStatementSerializer: commandOnly, requireParentSpan: true }),
      new MongooseInstrumentation({ requireParentSpan: true }),
      // fetch (Node's undici); the providers' SDKs (axios, the AWS SDK) go through http above.
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  return otelTracing(() => sdk.shutdown());
}
