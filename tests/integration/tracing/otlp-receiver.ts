/** A local OTLP/HTTP receiver for the tracing tests: collects the spans of `http/json` exports. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}
export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** One span as OTLP/JSON carries it (ids in hex); kind 2 server, 3 client, 4 producer, 5 consumer. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  events?: { name: string; attributes?: KeyValue[] }[];
  links?: { traceId: string; spanId: string; attributes?: KeyValue[] }[];
  status?: { message?: string };
}

interface ExportRequest {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

export interface OtlpReceiver {
  url: string;
  spans: OtlpSpan[];
  /** Every export body as received, for whole-payload checks. */
  bodies: string[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'POST' && req.url === '/v1/traces') {
        bodies.push(body);
        const parsed = JSON.parse(body) as ExportRequest;
        for (const r of parsed.resourceSpans ?? [])
          for (const s of r.scopeSpans ?? []) spans.push(...(s.spans ?? []));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** A value as text (arrays joined), for searching. */
export const valueText = (v: AnyValue): string =>
  v.arrayValue ? (v.arrayValue.values ?? []).map(valueText).join(' ') : String(Object.values(v)[0] ?? '');

/** Every attribute value of a span (its own, its events', its links'), its name and status message. */
export function spanTexts(span: OtlpSpan): string[] {
  const attrs = [
    ...(span.attributes ?? []),
    ...(span.events ?? []).flatMap((e) => e.attributes ?? []),
    ...(span.links ?? []).flatMap((l) => l.attributes ?? []),
  ];
  return [span.name, span.status?.message ?? '', ...attrs.map((a) => valueText(a.value))];
}

export const attribute = (span: OtlpSpan, key: string): string | undefined => {
  const found = span.attributes?.find((a) => a.key === key);
  return found ? valueText(found.value) : undefined;
};

/** True when `ancestor` is `span` or above it in its trace. */
export function descendsFrom(span: OtlpSpan, ancestor: OtlpSpan, all: OtlpSpan[]): boolean {
  let current: OtlpSpan | undefined = span;
  while (current) {
    if (current.spanId === ancestor.spanId && current.traceId === ancestor.traceId) return true;
    const parent: string | undefined = current.parentSpanId;
    current = parent ? all.find((s) => s.spanId === parent && s.traceId === span.traceId) : undefined;
  }
  return false;
}
