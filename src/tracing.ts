/* eslint-disable no-console -- it runs before the logger exists */
/**
 * The first import of main.ts and worker.ts: when traces are to be exported (an OTLP endpoint,
 * or NEW_RELIC_LICENSE_KEY), OpenTelemetry starts here, before Express, pg, Redis or mongoose
 * are required, so its instrumentations can patch them as they load. Otherwise nothing of it
 * is loaded (docs/observability.md).
 */
import 'dotenv/config';
import { installTracing } from './platform/tracing/trace-context';
import { tracingTarget } from './platform/tracing/tracing-target';

const target = tracingTarget(process.env);
if (target) {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('./platform/tracing/start-sdk') as typeof import('./platform/tracing/start-sdk');
    installTracing(sdk.startTracing(target, process.env));
  } catch (err) {
    // A bad OTEL_* value: the configuration check that follows names it and stops the start.
    console.error('tracing not started:', err instanceof Error ? err.message : err);
  }
}
