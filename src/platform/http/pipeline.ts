import compression from 'compression';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Store as LimiterStore } from 'express-rate-limit';
import type { Logger } from 'winston';
import type { Config } from '../config/config';
import { AppError } from '../errors/app-error';
import { createErrorHandler } from '../errors/error-handler';
import type { Metrics } from '../metrics';
import { createLimiter } from './rate-limit';
import { requestId, requestLogger } from './request-context';
import { apiSecurityHeaders, requestHasBody, requireJsonBody } from './security';
import { series } from './fast-path';

/**
 * The largest JSON body accepted (413 `payload_too_large` beyond it). The API's bodies are an
 * address and a code or a token, well under 1 KiB; the webhooks read their own (capped per
 * provider). A constant, not a setting: raising it only widens what a client can make the
 * parser hold.
 */
export const JSON_BODY_LIMIT = '8kb';

/** The platform's middlewares, built from config; createApp mounts them in order. */
export interface HttpPipeline {
  /** On every request, as one layer: request id, security headers, `guard`, request log, CORS. */
  head: RequestHandler;
  /** gzip, only where bodies are large (OpenAPI, Swagger UI, metrics). */
  gzip: RequestHandler;
  /** The general per-IP limit, then the JSON body (requests without one skip the parser). */
  limitAndParse: RequestHandler;
  notFound: RequestHandler;
  errorHandler: ErrorRequestHandler;
}

export function createHttpPipeline(deps: {
  config: Pick<Config, 'corsOrigins' | 'rateLimit'>;
  /** The first real work of every request (the IP rules): a refused address costs nothing more. */
  guard: RequestHandler;
  logger: Logger;
  metrics: Metrics;
  limiterStore?: (name: string) => LimiterStore;
  reportError?: (err: unknown, context: { requestId?: string }) => void;
}): HttpPipeline {
  const { config, logger, metrics } = deps;
  const head = series(
    requestId,
    apiSecurityHeaders,
    deps.guard,
    requestLogger(logger, metrics),
    // Only a listed origin gets any CORS header, Access-Control-Allow-Credentials included (the
    // cookie mode's fetches send credentials); an unlisted one gets none.
    cors({
      origin: (origin, cb) =>
        cb(null, origin !== undefined && config.corsOrigins.includes(origin) ? origin : false),
      credentials: true,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: [
        'Content-Type',
        'Authorization',
        'X-Request-Id',
        'Accept-Language',
        'X-Auth-Mode',
        'X-CSRF-Token',
      ],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
      maxAge: 600,
    }),
  );
  const general = createLimiter({
    name: 'general',
    windowMs: config.rateLimit.windowMs,
    limit: config.rateLimit.max,
    ipv6SubnetPrefix: config.rateLimit.ipv6SubnetPrefix,
    metrics,
    store: deps.limiterStore?.('general'),
  });
  const parseJson = express.json({
    limit: JSON_BODY_LIMIT,
    strict: true,
    inflate: false,
    type: 'application/json',
    // The decoder would silently drop a UTF-8 byte order mark; JSON senders must not add one
    // (RFC 8259 §8.1), so it is refused like any other malformed body (docs/security.md, row 41).
    verify: (_req, _res, buf) => {
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        throw new AppError('invalid_json');
      }
    },
  });
  return {
    head,
    gzip: compression(),
    // requireJsonBody has already refused a body that is not JSON.
    limitAndParse: series(general, requireJsonBody, (req, res, next) =>
      requestHasBody(req) ? parseJson(req, res, next) : next(),
    ),
    notFound: (_req, _res, next) => next(new AppError('not_found')),
    errorHandler: createErrorHandler(logger, deps.reportError),
  };
}
