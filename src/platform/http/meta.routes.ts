import { Router, type RequestHandler } from 'express';
import Joi from 'joi';
import type SwaggerUi from 'swagger-ui-express';
import { AppError } from '../errors/app-error';
import type { Metrics } from '../metrics';
import { safeEqual } from '../secrets';
import { clientScriptRoute, serveClientScript } from './client-script';
import { docsSecurityHeaders } from './security';
import { problem } from './openapi';
import { createLimiter } from './rate-limit';
import { cachedReadiness, type ReadinessCheck } from './readiness';
import { mountRoutes, type RouteTable } from './route-table';

export type { ReadinessCheck } from './readiness';

/**
 * /health/ready per client address and minute, on each instance (not in Redis: a load balancer
 * probes every instance from the same address). Generous: orchestrators probe every few seconds.
 */
export const READY_LIMIT_PER_MINUTE = 300;

/**
 * The paths createMetaRouter serves, matched as Express matches routes (any case, an optional
 * trailing slash); tests/unit/meta-paths.test.ts keeps it in step with the router.
 */
export const META_PATHS =
  /^\/(?:health\/|metrics\/?$|docs(?:\/|$)|\.well-known\/|v1\/(?:openapi\.json|client\.js)\/?$)/i;

/** Hands only META_PATHS to the meta router: other paths skip it without walking its routes. */
export function metaGate(meta: Router): RequestHandler {
  return (req, res, next) => (META_PATHS.test(req.path) ? meta(req, res, next) : next());
}

const health = Joi.object({
  status: Joi.string().valid('ok', 'degraded').required(),
  checks: Joi.object().pattern(/.*/, Joi.string()),
})
  .unknown()
  .id('Health');

const jwks = Joi.object({
  keys: Joi.array()
    .items(
      Joi.object({
        kty: Joi.string().valid('OKP').required(),
        crv: Joi.string().valid('Ed25519').required(),
        x: Joi.string().required(),
        kid: Joi.string().required(),
        alg: Joi.string().valid('EdDSA').required(),
        use: Joi.string().valid('sig'),
      }).unknown(),
    )
    .required(),
})
  .unknown()
  .id('Jwks');

type MetaHandler = 'live' | 'ready' | 'readyLimiter' | 'jwks' | 'metrics' | 'openapi' | 'clientScript';

/** Probes, metrics, JWKS, this document and the client library: before the limiter and the body parser. */
export const metaRouteTable: RouteTable<MetaHandler> = {
  routes: [
    {
      method: 'get',
      path: '/health/live',
      operationId: 'live',
      tags: ['meta'],
      summary: 'Liveness',
      responses: { '200': { description: 'Alive', content: { 'application/json': health } } },
      handler: 'live',
    },
    {
      method: 'get',
      path: '/health/ready',
      operationId: 'ready',
      tags: ['meta'],
      summary: 'Readiness: 503 names the failing dependency',
      description:
        'The dependencies are checked at most once a second; callers in between share that answer. Deny rules apply (403); an allowlist does not.',
      limiter: 'readyLimiter',
      responses: {
        '200': { description: 'Ready', content: { 'application/json': health } },
        '403': problem('The client address is denied by an IP rule (forbidden)'),
        '429': problem('Rate limited (rate_limited); see Retry-After'),
        '503': problem('not ready'),
      },
      handler: 'ready',
    },
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'jwks',
      tags: ['meta'],
      summary: 'Public keys that verify access tokens',
      responses: { '200': { description: 'JWK set', content: { 'application/json': jwks } } },
      handler: 'jwks',
    },
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      tags: ['meta'],
      summary: 'Prometheus metrics (Bearer METRICS_TOKEN when set)',
      // The handler checks the token (only when METRICS_TOKEN is set).
      auth: { scheme: 'metricsToken' },
      responses: {
        '200': { description: 'Prometheus text format', content: { 'text/plain': { type: 'string' } } },
        '401': problem('unauthorized'),
      },
      handler: 'metrics',
    },
    {
      method: 'get',
      path: '/v1/openapi.json',
      operationId: 'openapi',
      tags: ['meta'],
      summary: 'This document',
      responses: {
        '200': { description: 'OpenAPI 3.1', content: { 'application/json': { type: 'object' } } },
      },
      handler: 'openapi',
    },
    clientScriptRoute,
  ],
};

export function createMetaRouter(deps: {
  jwks: () => Promise<unknown>;
  metrics: Metrics;
  metricsToken?: string;
  readiness: ReadinessCheck[];
  /** IPv6 probes are limited by their network of this many bits (IPV6_SUBNET_PREFIX). */
  ipv6SubnetPrefix: number;
  /** A monotonic clock in ms for the readiness answer's age (default performance.now). */
  readinessNow?: () => number;
  isShuttingDown: () => boolean;
  /** The document, or a function building it (on the first request for it). */
  openapi: object | (() => object);
  /** The bundled browser library (default: dist/client/client.js). */
  clientScriptPath?: string;
}): Router {
  const router = Router();
  const openapi = typeof deps.openapi === 'function' ? deps.openapi : () => deps.openapi as object;

  const readiness = cachedReadiness(deps.readiness, { now: deps.readinessNow });
  const ready: RequestHandler = async (_req, res) => {
    const { checks, failing: down } = await readiness();
    // Shutting down is read on every call: the instance leaves rotation at once.
    const failing = down ?? (deps.isShuttingDown() ? 'shutdown' : undefined);
    if (failing)
      throw new AppError('service_unavailable', { detail: `not ready: ${failing}`, retryAfterSeconds: 5 });
    const degraded = Object.values(checks).includes('degraded');
    res.json({ status: degraded ? 'degraded' : 'ok', checks });
  };

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

  mountRoutes(router, {
    table: metaRouteTable,
    bind: {
      live: (_req, res) => void res.json({ status: 'ok' }),
      ready,
      readyLimiter: createLimiter({
        name: 'ready',
        windowMs: 60_000,
        limit: READY_LIMIT_PER_MINUTE,
        ipv6SubnetPrefix: deps.ipv6SubnetPrefix,
        metrics: deps.metrics,
      }),
      jwks: async (_req, res) => {
        res.setHeader('Cache-Control', 'public, max-age=300');
        res.json(await deps.jwks());
      },
      metrics,
      openapi: (_req, res) => void res.json(openapi()),
      clientScript: serveClientScript(deps.clientScriptPath),
    },
  });
  // Swagger UI is loaded on the first visit to /docs: the package and its assets cost every
  // instance about 16 MB of memory, and most production instances never serve the page.
  let docs: Router | undefined;
  const loadDocs = (): Router => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swaggerUi = require('swagger-ui-express') as typeof SwaggerUi;
    return Router().use(swaggerUi.serve, swaggerUi.setup(openapi(), { customSiteTitle: 'otp-login-api' }));
  };
  router.use('/docs', docsSecurityHeaders, (req, res, next) => {
    docs ??= loadDocs();
    docs(req, res, next);
  });
  return router;
}
