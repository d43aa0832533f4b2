import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'winston';
import { AppError, UnavailableError } from './app-error';
import { ERROR_TITLES, ErrorCode, ErrorCodeValue } from './error-codes';

export const PROBLEM_TYPE_BASE = 'urn:otp-login-api:problem:';

interface ProblemOptions {
  status: number;
  code: ErrorCodeValue;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

/** Writes an RFC 9457 problem+json body carrying the stable code and the request id. */
export function sendProblem(req: Request, res: Response, p: ProblemOptions): void {
  res.status(p.status).type('application/problem+json');
  res.send(
    JSON.stringify({
      type: `${PROBLEM_TYPE_BASE}${p.code}`,
      title: ERROR_TITLES[p.code],
      status: p.status,
      ...(p.detail ? { detail: p.detail } : {}),
      code: p.code,
      requestId: res.locals.requestId as string,
      ...(p.errors ? { errors: p.errors } : {}),
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
      return new AppError({ code: ErrorCode.payloadTooLarge, status: 413 });
    case 'entity.parse.failed':
      return new AppError({ code: ErrorCode.invalidJson, status: 400 });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError({ code: ErrorCode.unsupportedMediaType, status: 415 });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError({ code: ErrorCode.invalidRequest, status: 400 });
    default:
      return undefined;
  }
}

/** The one error handler: anything thrown becomes problem+json; causes are logged, never sent. */
export function createErrorHandler(
  logger: Logger,
  onUnexpected?: (err: unknown, context: { requestId?: string }) => void,
): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    const mapped = err instanceof AppError ? err : fromBodyParser(err as BodyParserError);
    if (mapped) {
      for (const [name, value] of Object.entries(mapped.headers)) res.setHeader(name, value);
      if (mapped.cause)
        logger.warn('request failed', { requestId, code: mapped.code, cause: describe(mapped.cause) });
      sendProblem(req, res, {
        status: mapped.status,
        code: mapped.code,
        detail: mapped.detail,
        errors: mapped.errors,
      });
      return;
    }
    if (err instanceof UnavailableError) {
      logger.error('dependency unavailable', { requestId, cause: describe(err) });
      res.setHeader('Retry-After', '5');
      sendProblem(req, res, { status: 503, code: ErrorCode.serviceUnavailable });
      return;
    }
    logger.error('unhandled error', { requestId, error: describe(err) });
    onUnexpected?.(err, { requestId });
    sendProblem(req, res, { status: 500, code: ErrorCode.internalError });
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
