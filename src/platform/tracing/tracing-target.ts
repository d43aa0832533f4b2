/**
 * Whether this process exports traces, and where: read from the raw environment before
 * anything else is loaded (the same variables are declared, validated and documented in
 * config/settings/tracing.settings.ts). Depends on nothing, so deciding loads nothing.
 */

/** New Relic's OTLP/HTTP endpoint (US region); it takes the licence key in an `api-key` header. */
export const NEW_RELIC_OTLP_ENDPOINT = 'https://otlp.nr-data.net:4318';

export type TracingTarget =
  /** The standard OTEL_EXPORTER_OTLP_* variables say where and how (the exporter reads them). */
  | { kind: 'otlp' }
  /** NEW_RELIC_LICENSE_KEY without an OTLP endpoint: New Relic's endpoint, the key as `api-key`. */
  | { kind: 'new-relic'; url: string; headers: Record<string, string> };

const set = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v.trim() : undefined);

export function tracingTarget(env: NodeJS.ProcessEnv): TracingTarget | undefined {
  if (set(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return undefined;
  if (set(env.OTEL_TRACES_EXPORTER)?.toLowerCase() === 'none') return undefined;
  if (set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT))
    return { kind: 'otlp' };
  const licenseKey = set(env.NEW_RELIC_LICENSE_KEY);
  if (licenseKey)
    return {
      kind: 'new-relic',
      url: `${NEW_RELIC_OTLP_ENDPOINT}/v1/traces`,
      headers: { 'api-key': licenseKey },
    };
  return undefined;
}
