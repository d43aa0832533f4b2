/**
 * What the service asks of tracing, without loading OpenTelemetry: the ids for log lines and
 * problem answers, the request id carried through a request, and a queued job's trace. With
 * tracing off (no OTLP endpoint) these stay no-ops and no @opentelemetry module is loaded;
 * `src/tracing.ts` installs the real ones before the app's modules are required.
 */

/** A W3C trace context as a queued job carries it (only ids and flags: nothing personal). */
export interface JobTrace {
  traceparent: string;
  tracestate?: string;
}

/** The ids of the current trace, and of the request being served when there is one. */
export interface TraceIds {
  traceId: string;
  spanId: string;
  requestId?: string;
}

export interface Tracing {
  /** The active trace's ids, or undefined (tracing off, or no trace here). */
  current(): TraceIds | undefined;
  /** Runs the rest of a request where `current()` knows its request id; the server span gets it too. */
  bindRequest(requestId: string, next: () => void): void;
  /** Queues a job in a producer span; `send` gets the trace context to store with the job. */
  publish<T>(queue: string, send: (trace: JobTrace | undefined) => Promise<T>): Promise<T>;
  /** Runs one attempt of a job in a consumer span, a child of the trace that queued it. */
  consume<T>(queue: string, trace: JobTrace | undefined, attempt: number, run: () => Promise<T>): Promise<T>;
  /** Exports what is buffered (shutdown). */
  flush(): Promise<void>;
}

const off: Tracing = {
  current: () => undefined,
  bindRequest: (_requestId, next) => next(),
  publish: (_queue, send) => send(undefined),
  consume: (_queue, _trace, _attempt, run) => run(),
  flush: async () => undefined,
};

let installed: Tracing = off;

/** Tracing as installed at start-up (the no-op one unless an OTLP endpoint is configured). */
export const tracing = (): Tracing => installed;

export function installTracing(t: Tracing): void {
  installed = t;
}
