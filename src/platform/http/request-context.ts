import type { RequestHandler } from 'express';
import { v4 as uuidv4 } from 'uuid';
import type { Counter, Histogram } from 'prom-client';
import type { Logger } from 'winston';
import type { Metrics } from '../metrics';
import { tracing } from '../tracing/trace-context';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own declaration merging point
  namespace Express {
    /** What middlewares leave in res.locals for the handlers after them; each owner declares its own. */
    interface Locals {
      /** Set on every request, before anything else runs (`requestId`). */
      requestId: string;
    }
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Every response carries an X-Request-Id: the caller's if it is well-formed, else a new one. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : uuidv4();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  // Services get the id with their call (ClientContext, AuditContext) and put it on their audit
  // lines. Not an AsyncLocalStorage: on Node 20 it turns on promise hooks for every promise
  // of the process (docs/performance.md). With tracing on, the OpenTelemetry context (which
  // pays that cost already) carries it, so every log line of the request has it.
  tracing().bindRequest(id, next);
};

/** The route template (never the raw path) keeps log and metric cardinality bounded. */
function routeOf(req: Parameters<RequestHandler>[0]): string {
  const route = (req as { route?: { path?: string } }).route?.path;
  return route ? `${req.baseUrl}${route}` : 'unmatched';
}

/**
 * One JSON line per request, and the HTTP metrics. Bodies, headers and tokens are never logged.
 * Metric children are kept per method, route and status (all bounded: Node accepts only known
 * methods, routes are templates), so a request pays no label hashing.
 */
export function requestLogger(logger: Logger, metrics: Metrics): RequestHandler {
  const children = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<string> }>();
  const childrenOf = (method: string, route: string, status: number) => {
    const key = `${method} ${route} ${status}`;
    let c = children.get(key);
    if (!c) {
      c = {
        count: metrics.httpRequests.labels({ method, route, status: String(status) }),
        duration: metrics.httpDuration.labels({ method, route }),
      };
      children.set(key, c);
    }
    return c;
  };
  return (req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      const seconds = (performance.now() - start) / 1e3;
      const route = routeOf(req);
      const c = childrenOf(req.method, route, res.statusCode);
      c.count.inc();
      c.duration.observe(seconds);
      const level = res.statusCode >= 500 ? 'error' : 'http';
      // winston formats a line before its transport drops it by level: skip that work up front.
      if (!logger.isLevelEnabled(level)) return;
      logger.log(level, 'request', {
        requestId: res.locals.requestId,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        ip: req.ip,
        userAgent: req.get('user-agent')?.slice(0, 256),
      });
    });
    next();
  };
}
