import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'winston';
import { AppError, UnavailableError } from './app-error';
import { ERRORS } from './error-codes';

export const PROBLEM_TYPE_BASE = 'urn:otp-login-api:problem:';

/**
 * Writes an RFC 9457 problem+json body carrying the stable code and the request id; the status
 * comes from the code (ERRORS), Retry-After from `retryAfterSeconds`.
 */
function sendProblem(res: Response, problem: AppError): void {
  const { status, title } = ERRORS[problem.code];
  if (problem.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
  }
  res.status(status).type('application/problem+json');
  res.send(
    JSON.stringify({
      type: `${PROBLEM_TYPE_BASE}${problem.code}`,
      title,
      status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      code: problem.code,
      requestId: res.locals.requestId,
      ...(problem.errors ? { errors: problem.errors } : {}),
    }),
  );
}

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

/** Maps body-parser failures to a code without echoing the parser's text (it quotes the input). */
function fromBodyParser(err: BodyParserError): AppError | undefined {
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

/** The one error handler: anything thrown becomes problem+json; causes are logged, never sent. */
export function createErrorHandler(
  logger: Logger,
  onUnexpected?: (err: unknown, context: { requestId?: string }) => void,
): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const requestId = res.locals.requestId;
    const mapped = err instanceof AppError ? err : fromBodyParser(err as BodyParserError);
    if (mapped) {
      if (mapped.cause)
        logger.warn('request failed', { requestId, code: mapped.code, cause: describe(mapped.cause) });
      sendProblem(res, mapped);
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
