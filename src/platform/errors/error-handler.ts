import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'winston';
import { AppError, UnavailableError } from './app-error';
import { ERRORS, type ErrorCode } from './error-codes';
import { tracing } from '../tracing/trace-context';

export const PROBLEM_TYPE_BASE = 'urn:otp-login-api:problem:';

/**
 * Writes an RFC 9457 problem+json body carrying the stable code and the request id (and, with
 * tracing on, the trace id); the status comes from the code (ERRORS), Retry-After from
 * `retryAfterSeconds`.
 */
function sendProblem(res: Response, problem: AppError): void {
  const { status, title } = ERRORS[problem.code];
  if (problem.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
  }
  res.status(status).type('application/problem+json');
  const traceId = tracing().current()?.traceId;
  res.send(
    JSON.stringify({
      type: `${PROBLEM_TYPE_BASE}${problem.code}`,
      title,
      status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      code: problem.code,
      requestId: res.locals.requestId,
      ...(traceId ? { traceId } : {}),
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...(problem.methods ? { methods: problem.methods } : {}),
    }),
  );
}

interface HttpLayerError {
  type?: string;
  status?: number;
  statusCode?: number;
  /** http-errors sets it (true below 500) on the errors that body-parser and friends raise. */
  expose?: boolean;
}

/** Maps body-parser failures to a code without echoing the parser's text (it quotes the input). */
function fromBodyParser(err: HttpLayerError): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large');
    case 'entity.parse.failed':
      return new AppError('invalid_json');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('invalid_request');
    default:
      return undefined;
  }
}

const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * The client's own mistakes that Express's layers raise, answered 4xx and kept out of the error
 * log and Sentry: anyone can send them without signing in, so as 500s they would fill the
 * error log, the tracker and the 5xx alert. A route parameter whose percent-encoding does not
 * decode (`/v1/sessions/%E0%A4%A`) makes the router throw a URIError: such a path names no
 * resource, so it is a 404 like a malformed id. Any other error that http-errors marked as a
 * 4xx safe to expose (a body-parser failure without a case above) keeps its class of status.
 */
function fromHttpLayer(err: unknown): AppError | undefined {
  if (err instanceof URIError) return new AppError('not_found');
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as HttpLayerError;
  const mapped = fromBodyParser(e);
  if (mapped) return mapped;
  const status = e.status ?? e.statusCode;
  if (e.expose !== true || typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return new AppError(BY_STATUS[status] ?? 'invalid_request');
}

/** The one error handler: anything thrown becomes problem+json; causes are logged, never sent. */
export function createErrorHandler(
  logger: Logger,
  onUnexpected?: (err: unknown, context: { requestId?: string }) => void,
): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const requestId = res.locals.requestId;
    if (err instanceof AppError) {
      if (err.cause) logger.warn('request failed', { requestId, code: err.code, cause: describe(err.cause) });
      sendProblem(res, err);
      return;
    }
    const refused = fromHttpLayer(err);
    if (refused) {
      // No stack, and the request line's own level: a flood of malformed requests adds no
      // volume at the default level and pages no one.
      const reason = err instanceof Error ? ((err as HttpLayerError).type ?? err.name) : 'unknown';
      if (logger.isLevelEnabled('http'))
        logger.log('http', 'request refused', { requestId, code: refused.code, reason });
      sendProblem(res, refused);
      return;
    }
    if (err instanceof UnavailableError) {
      logger.error('dependency unavailable', { requestId, cause: describe(err) });
      sendProblem(res, new AppError('service_unavailable', { retryAfterSeconds: 5 }));
      return;
    }
    logger.error('unhandled error', { requestId, error: describe(err) });
    onUnexpected?.(err, { requestId });
    sendProblem(res, new AppError('internal_error'));
  };
}

function describe(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    return {
      name: err.name,
      message: err.message,
      stack: err.stack,
      cause: err.cause ? describe(err.cause) : undefined,
    };
  }
  return { value: String(err) };
}
