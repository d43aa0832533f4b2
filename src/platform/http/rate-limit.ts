import type { Request } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { AppError } from '../errors/app-error';
import { clientKey } from '../ip-network';
import type { Metrics } from '../metrics';

export interface LimiterOptions {
  name: string;
  windowMs: number;
  limit: number;
  /** IPv6 clients are keyed by their network of this many bits (IPV6_SUBNET_PREFIX). */
  ipv6SubnetPrefix: number;
  metrics: Metrics;
  store?: Store;
  /**
   * Count only requests answered with an error (a budget of refusals, e.g. failed signatures).
   * A request counts while in flight, so `limit` must allow for a client's concurrency.
   */
  refusalsOnly?: boolean;
}

/**
 * A per-IP limiter (express-rate-limit) answering problem+json 429 with Retry-After and the
 * standard RateLimit headers. The key is req.ip, which honours only the configured
 * `trust proxy`: a client-sent X-Forwarded-For cannot pick a fresh bucket; an IPv6 client is
 * keyed by its network (`clientKey`), so the addresses of one /64 share one bucket.
 */
export function createLimiter(options: LimiterOptions) {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: options.store,
    skipSuccessfulRequests: options.refusalsOnly ?? false,
    validate: { trustProxy: false, xForwardedForHeader: false },
    keyGenerator: (req: Request) => `${options.name}:${clientKey(req.ip, options.ipv6SubnetPrefix)}`,
    handler: (req, _res, next) => {
      options.metrics.rateLimited.inc({ limit: options.name });
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = reset ? (reset.getTime() - Date.now()) / 1000 : options.windowMs / 1000;
      next(new AppError('rate_limited', { retryAfterSeconds }));
    },
  });
}
