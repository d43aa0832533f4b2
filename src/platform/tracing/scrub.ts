import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ADDRESS_IN_TEXT } from '../email-address';

/** Attributes that hold a URL or its query: the query is cut (a link's token, a search term). */
const URL_KEYS = new Set(['http.url', 'http.target', 'url.full', 'url.query', 'http.request.url']);
/** A key whose last segment names a secret (a recorded header, a hook's mistake) loses its value. */
const SECRET_SEGMENT =
  /^(authorization|proxy-authorization|cookie|set-cookie|token|password|secret|api[-_]?key|x-api-key|otp|code)$/i;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** Addresses (also percent-encoded, as in a URL path) and JWTs out of a text. */
export function scrubText(text: string): string {
  let out = text.replace(JWT, '[redacted-jwt]');
  if (/%40/i.test(out)) out = out.replace(/%40/gi, '@');
  return out.includes('@') ? out.replace(ADDRESS_IN_TEXT, '[email]') : out;
}

const withoutQuery = (key: string, value: string): string => {
  if (key === 'url.query') return '[redacted]';
  const q = value.indexOf('?');
  return q < 0 ? value : `${value.slice(0, q)}?[redacted]`;
};

function scrubValue(key: string, value: AttributeValue | undefined): AttributeValue | undefined {
  if (SECRET_SEGMENT.test(key.slice(key.lastIndexOf('.') + 1))) return '[redacted]';
  const one = (v: unknown) => {
    if (typeof v !== 'string') return v;
    return scrubText(URL_KEYS.has(key) ? withoutQuery(key, v) : v);
  };
  return (Array.isArray(value) ? value.map(one) : one(value)) as AttributeValue | undefined;
}

export function scrubAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) out[key] = scrubValue(key, value);
  return out;
}

/** A copy of a finished span with every name, attribute, event, link and status message scrubbed. */
export function scrubSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: scrubText(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message ? { ...span.status, message: scrubText(span.status.message) } : span.status,
    attributes: scrubAttributes(span.attributes),
    links: span.links.map((l) => (l.attributes ? { ...l, attributes: scrubAttributes(l.attributes) } : l)),
    events: span.events.map((e) => ({
      ...e,
      name: scrubText(e.name),
      attributes: e.attributes ? scrubAttributes(e.attributes) : e.attributes,
    })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/**
 * The last line of defence before spans leave the process, whatever an instrumentation
 * recorded: addresses become `[email]` (percent-encoded ones too), JWTs and secret-named
 * attributes are dropped, URL queries cut. It runs in the batch export, off the request path.
 * The instrumentations are configured not to record bodies, headers, SQL parameters or Redis
 * arguments in the first place (tracing/start-sdk.ts).
 */
export class ScrubbingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans.map(scrubSpan), done);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
