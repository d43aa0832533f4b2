import Joi from 'joi';
import { text } from '../setting';

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/**
 * Traces (OpenTelemetry). OpenTelemetry's SDK reads these standard variables itself, before the
 * configuration is loaded (src/tracing.ts); they are declared here so a bad value stops the
 * start with the others and so they are documented (docs/observability.md). No path in
 * `Config`: nothing else reads them.
 */
export const tracingSettings = {
  OTEL_EXPORTER_OTLP_ENDPOINT: text(
    null,
    Joi.string()
      .uri({ scheme: ['http', 'https'] })
      .allow('')
      .description(
        'OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); when set, traces are exported there',
      ),
  ),
  OTEL_EXPORTER_OTLP_PROTOCOL: text(
    null,
    Joi.string()
      .valid('http/protobuf', 'http/json')
      .allow('')
      .description('OTLP encoding: http/protobuf (default) or http/json'),
  ),
  OTEL_EXPORTER_OTLP_HEADERS: text(
    null,
    Joi.string()
      .allow('')
      .description('Headers for the collector, key=value comma-separated (e.g. api-key=…); a secret'),
  ),
  OTEL_SERVICE_NAME: text(
    null,
    Joi.string().allow('').description('Service name on the traces (default otp-login-api)'),
  ),
  OTEL_TRACES_SAMPLER: text(
    null,
    Joi.string()
      .valid(...SAMPLERS)
      .allow('')
      .description('Sampler (default parentbased_always_on): e.g. parentbased_traceidratio'),
  ),
  OTEL_TRACES_SAMPLER_ARG: text(
    null,
    Joi.string()
      .pattern(/^(0(\.\d+)?|1(\.0+)?)$/)
      .allow('')
      .description('Fraction of traces the ratio samplers keep, 0 to 1 (e.g. 0.1)'),
  ),
  NEW_RELIC_LICENSE_KEY: text(
    null,
    Joi.string()
      .allow('')
      .description(
        'New Relic licence key: without OTEL_EXPORTER_OTLP_ENDPOINT, traces are sent to New Relic (OTLP) with it',
      ),
  ),
};
