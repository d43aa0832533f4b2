import { Router, type RequestHandler } from 'express';
import type SwaggerUi from 'swagger-ui-express';
import { AppError } from '../errors/app-error';
import type { Metrics } from '../metrics';
import { safeEqual } from '../secrets';
import { withTimeout } from '../timeout';
import { docsSecurityHeaders } from './security';
import { route } from './route';

/**
 * The paths createMetaRouter serves, matched as Express matches routes (any case, an optional
 * trailing slash); tests/unit/meta-paths.test.ts keeps it in step with the router.
 */
export const META_PATHS = /^\/(?:health\/|metrics\/?$|docs(?:\/|$)|\.well-known\/|v1\/openapi\.json\/?$)/i;

/** Hands only META_PATHS to the meta router: other paths skip it without walking its routes. */
export function metaGate(meta: Router): RequestHandler {
  return (req, res, next) => (META_PATHS.test(req.path) ? meta(req, res, next) : next());
}

export interface ReadinessCheck {
  name: string;
  check(): Promise<'ok' | 'degraded'>;
}

export function createMetaRouter(deps: {
  jwks: () => Promise<unknown>;
  metrics: Metrics;
  metricsToken?: string;
  readiness: ReadinessCheck[];
  isShuttingDown: () => boolean;
  openapi: object;
}): Router {
  const router = Router();
  route(router, '/health/live', { get: [(_req, res) => void res.json({ status: 'ok' })] });

  const ready: RequestHandler = async (_req, res) => {
    const checks: Record<string, string> = {};
    let failing: string | undefined;
    for (const c of deps.readiness) {
      try {
        checks[c.name] = await withTimeout(c.check(), 2_000, () => {
          throw new Error('timeout');
        });
      } catch {
        checks[c.name] = 'down';
        failing ??= c.name;
      }
    }
    if (deps.isShuttingDown()) failing ??= 'shutdown';
    if (failing)
      throw new AppError('service_unavailable', { detail: `not ready: ${failing}`, retryAfterSeconds: 5 });
    const degraded = Object.values(checks).includes('degraded');
    res.json({ status: degraded ? 'degraded' : 'ok', checks });
  };
  route(router, '/health/ready', { get: [ready] });

  route(router, '/.well-known/jwks.json', {
    get: [
      async (_req, res) => {
        res.setHeader('Cache-Control', 'public, max-age=300');
        res.json(await deps.jwks());
      },
    ],
  });

  const metrics: RequestHandler = async (req, res, next) => {
    if (deps.metricsToken) {
      const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
      if (!m || !safeEqual(m[1], deps.metricsToken)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return next(new AppError('unauthorized'));
      }
    }
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  };
  route(router, '/metrics', { get: [metrics] });

  route(router, '/v1/openapi.json', { get: [(_req, res) => void res.json(deps.openapi)] });
  // Swagger UI is loaded on the first visit to /docs: the package and its assets cost every
  // instance about 16 MB of memory, and most production instances never serve the page.
  let docs: Router | undefined;
  const loadDocs = (): Router => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swaggerUi = require('swagger-ui-express') as typeof SwaggerUi;
    return Router().use(swaggerUi.serve, swaggerUi.setup(deps.openapi, { customSiteTitle: 'otp-login-api' }));
  };
  router.use('/docs', docsSecurityHeaders, (req, res, next) => {
    docs ??= loadDocs();
    docs(req, res, next);
  });
  return router;
}
