import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

/**
 * Headers for an API that serves no HTML: tighter than helmet's defaults (CSP 'none',
 * frames denied, no referrer), and no-store because bodies carry tokens.
 */
export const apiSecurityHeaders: RequestHandler[] = [
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  }),
  (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  },
];

/** Swagger UI needs its own scripts and styles; only /docs gets this policy. */
export const docsSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  next();
};

/**
 * Bodies must be JSON, sent as is: other types (including form posts, which browsers can send
 * cross-site without a preflight) get 415, and so do compressed bodies, whose size limit
 * would otherwise apply before inflation.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return next();
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' || !req.is('application/json')) {
    return next(new AppError({ code: ErrorCode.unsupportedMediaType, status: 415 }));
  }
  next();
};
