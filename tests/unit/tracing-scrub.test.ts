import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ScrubbingExporter, scrubAttributes, scrubText } from '../../src/platform/tracing/scrub';
import { tracingTarget } from '../../src/platform/tracing/tracing-target';

const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';

describe('span scrubbing', () => {
  it('when a text holds an address, plain or percent-encoded, or a JWT, then none of them is left', () => {
    expect(scrubText('mail to ann.lee@example.com failed')).toBe('mail to [email] failed');
    // The RFC's atext includes / and ', so a path or a quote before an address goes with it.
    expect(scrubText('bounces: ann.lee%40example.com')).toBe('bounces: [email]');
    expect(scrubText('/v3/bounces/ann.lee%40example.com')).not.toContain('ann.lee');
    expect(scrubText(`Bearer ${JWT}`)).toBe('Bearer [redacted-jwt]');
    expect(scrubText('SELECT 1 FROM otps WHERE id = $1')).toBe('SELECT 1 FROM otps WHERE id = $1');
  });

  it('when attributes hold a URL query, a secret-named value or an address, then those values are replaced', () => {
    const out = scrubAttributes({
      'url.full': 'https://api.example.com/v1/sessions/revoke?token=abc&email=a@b.co',
      'url.query': 'token=abc',
      'http.target': '/v1/x?code=123456',
      'http.request.header.authorization': ['Bearer abc'],
      'db.query.text': 'SELECT * FROM users WHERE email = bob@example.org',
      'http.response.status_code': 401,
      'url.path': '/v1/otp/verify',
    });
    expect(out).toEqual({
      'url.full': 'https://api.example.com/v1/sessions/revoke?[redacted]',
      'url.query': '[redacted]',
      'http.target': '/v1/x?[redacted]',
      'http.request.header.authorization': '[redacted]',
      'db.query.text': 'SELECT * FROM users WHERE email = [email]',
      'http.response.status_code': 401,
      'url.path': '/v1/otp/verify',
    });
  });

  it('when spans are exported, then the exporter receives scrubbed copies: name, status, events and links too', () => {
    const received: ReadableSpan[] = [];
    const inner: SpanExporter = {
      export: (spans, done) => {
        received.push(...spans);
        done({ code: 0 });
      },
      shutdown: async () => undefined,
    };
    const context = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    const span = {
      name: 'send to zoe@example.net',
      kind: 0,
      spanContext: () => context,
      startTime: [0, 0],
      endTime: [0, 1],
      status: { code: 2, message: 'rejected: zoe@example.net' },
      attributes: { 'messaging.destination.name': 'otp-mail' },
      links: [{ context, attributes: { note: 'zoe@example.net' } }],
      events: [{ name: 'exception', time: [0, 0], attributes: { 'exception.message': 'zoe@example.net' } }],
      duration: [0, 1],
      ended: true,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    } as unknown as ReadableSpan;
    new ScrubbingExporter(inner).export([span], () => undefined);
    expect(JSON.stringify(received)).not.toContain('zoe@example.net');
    expect(received[0].spanContext()).toBe(context);
    expect(received[0].attributes).toEqual({ 'messaging.destination.name': 'otp-mail' });
    expect(received[0].status.message).toBe('rejected: [email]');
  });
});

describe('tracingTarget', () => {
  it('when no endpoint and no New Relic key are set, then nothing is exported', () => {
    expect(tracingTarget({})).toBeUndefined();
    expect(tracingTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeUndefined();
  });

  it('when an OTLP endpoint is set, then the OTEL_* variables configure the export (unless the SDK is disabled)', () => {
    expect(tracingTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ kind: 'otlp' });
    expect(tracingTarget({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toEqual({
      kind: 'otlp',
    });
    expect(
      tracingTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBeUndefined();
    expect(
      tracingTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }),
    ).toBeUndefined();
  });

  it('when only NEW_RELIC_LICENSE_KEY is set, then traces go to New Relic OTLP endpoint with the key as api-key', () => {
    expect(tracingTarget({ NEW_RELIC_LICENSE_KEY: 'nr-key' })).toEqual({
      kind: 'new-relic',
      url: 'https://otlp.nr-data.net:4318/v1/traces',
      headers: { 'api-key': 'nr-key' },
    });
    // An explicit endpoint wins (an EU account, or a collector in between).
    expect(
      tracingTarget({
        NEW_RELIC_LICENSE_KEY: 'nr-key',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.eu01.nr-data.net',
      }),
    ).toEqual({ kind: 'otlp' });
  });
});
