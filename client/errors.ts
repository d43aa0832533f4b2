/** Errors from the API (RFC 9457 problem+json) as instances of one class. */

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An error answer from the service, or a network failure (status 0, code `network_error`).
 * `code` is the stable machine-readable code (`invalid_code`, `rate_limited`, ...).
 */
export class OtpApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  /** Seconds to wait before trying again (from Retry-After), when the service said. */
  readonly retryAfter?: number;
  readonly requestId?: string;
  /** Field-level validation problems (400 invalid_request). */
  readonly errors?: FieldProblem[];
  /** step_up_required: the step-up methods that would do. */
  readonly methods?: string[];

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    retryAfter?: number;
    requestId?: string;
    errors?: FieldProblem[];
    methods?: string[];
    cause?: unknown;
  }) {
    super(init.detail ?? init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'OtpApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.retryAfter = init.retryAfter;
    this.requestId = init.requestId;
    this.errors = init.errors;
    this.methods = init.methods;
  }
}

/** Retry-After as seconds: delta-seconds, or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Builds the error for a non-2xx answer; a body that is not problem+json still gives one. */
export async function errorFromResponse(res: Response, now: number): Promise<OtpApiError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): status and statusText are all there is.
  }
  return new OtpApiError({
    status: res.status,
    code: str(body.code) ?? `http_${res.status}`,
    title: str(body.title) ?? (res.statusText || `HTTP ${res.status}`),
    detail: str(body.detail),
    retryAfter: parseRetryAfter(res.headers.get('Retry-After'), now),
    requestId: str(body.requestId) ?? res.headers.get('X-Request-Id') ?? undefined,
    errors: Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : undefined,
    methods: Array.isArray(body.methods) ? (body.methods as string[]) : undefined,
  });
}

/** fetch itself failed (offline, DNS, CORS refused): no answer to read. */
export function networkError(cause: unknown): OtpApiError {
  return new OtpApiError({
    status: 0,
    code: 'network_error',
    title: 'The service could not be reached',
    cause,
  });
}
