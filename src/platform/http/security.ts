import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from '../errors/app-error';
import { headersOf } from './fast-path';

/** helmet's options for the API (see apiSecurityHeaders). */
export const apiHelmetOptions: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
  },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
  frameguard: { action: 'deny' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
};

/**
 * Headers for an API that serves no HTML: tighter than helmet's defaults (CSP 'none',
 * frames denied, no referrer), and no-store because bodies carry tokens. helmet's list is
 * read once (headersOf) and set on every response.
 */
const API_HEADERS: Array<[string, string]> = [
  ...headersOf(helmet(apiHelmetOptions)),
  ['Cache-Control', 'no-store'],
];

export const apiSecurityHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of API_HEADERS) res.setHeader(name, value);
  next();
};

/** Swagger UI needs its own scripts and styles; only /docs gets this policy. */
export const docsSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  next();
};

/**
 * A server-rendered page's policy: its own scripts and styles only (no inline code, no
 * `eval`), API calls to this origin only, images from this origin and `imgSrc` (say, the
 * origin of a configured logo), no frames, forms posting only here.
 */
export function pageSecurityHeaders(options: { imgSrc?: string[] } = {}): RequestHandler {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", ...(options.imgSrc ?? [])],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  });
}

/** A request carries a body when it is chunked or declares a non-zero length (RFC 9112 §6.3). */
export const requestHasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Bodies must be JSON, sent as is: other types (including form posts, which browsers can send
 * cross-site without a preflight) get 415, and so do compressed bodies, whose size limit
 * would otherwise apply before inflation.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!requestHasBody(req)) return next();
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' || !req.is('application/json')) {
    return next(new AppError('unsupported_media_type'));
  }
  next();
};
