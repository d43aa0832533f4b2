import compression from 'compression';
import cors from 'cors';
import express, { type Express } from 'express';
import type { Container } from './composition-root';
import { createAccountController } from './modules/auth/account.controller';
import { createAuthController } from './modules/auth/auth.controller';
import { createWebhooksController } from './modules/email/webhooks/webhooks.controller';
import { AppError } from './platform/errors/app-error';
import { createErrorHandler } from './platform/errors/error-handler';
import { createAdminController } from './modules/admin/admin.controller';
import { adminAuth } from './modules/admin/admin-auth';
import { authenticate } from './modules/auth/authenticate';
import { ipRuleGuard } from './modules/ip-rules/ip-rule-guard';
import { createLimiter } from './platform/http/rate-limit';
import { requestId, requestLogger } from './platform/http/request-context';
import { apiSecurityHeaders, requestHasBody, requireJsonBody } from './platform/http/security';
import { series } from './platform/http/fast-path';
import { createAdminRouter } from './modules/admin/admin.routes';
import { createMetaRouter } from './platform/http/meta.routes';
import { registerOtpRoutes, registerV1Routes } from './modules/auth/auth.routes';
import { createWebhooksRouter } from './modules/email/webhooks/webhooks.routes';

/**
 * The paths createMetaRouter serves, matched as Express matches routes (any case, an optional
 * trailing slash); tests/unit/meta-paths.test.ts keeps it in step with the router.
 */
export const META_PATHS = /^\/(?:health\/|metrics\/?$|docs(?:\/|$)|\.well-known\/|v1\/openapi\.json\/?$)/i;

/** Builds the Express app from a container: middleware order and routers, no listen. */
export function createApp(c: Container): Express {
  const { config } = c;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  app.set('json spaces', 0);
  // Every API answer is Cache-Control: no-store, so an ETag would only cost a SHA-1 of each
  // body. Only the JWKS is cacheable, by max-age.
  app.set('etag', false);

  // The head of the stack runs on every request, as one layer (series): the request id,
  // security headers, then the IP guard as the first real work (a refused address costs no
  // body parsing, rate-limit budget or query), the request log and metrics, and CORS.
  app.use(
    series(
      requestId,
      apiSecurityHeaders,
      ipRuleGuard({ rules: c.ipRules, logger: c.logger, metrics: c.metrics }),
      requestLogger(c.logger, c.metrics),
      cors({
        origin: (origin, cb) =>
          cb(null, origin !== undefined && config.corsOrigins.includes(origin) ? origin : false),
        methods: ['GET', 'POST', 'DELETE'],
        allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id', 'Accept-Language'],
        exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
        maxAge: 600,
      }),
    ),
  );
  // API answers are a few hundred bytes, under compression's 1 KiB threshold, so gzip is
  // applied only where bodies are large (OpenAPI, Swagger UI, metrics) and the hot paths
  // skip the middleware's per-request cost.
  const gzip = compression();
  app.use(['/docs', '/v1/openapi.json', '/metrics'], gzip);

  // The meta routes (probes, metrics, JWKS, docs) sit before the limiter and the body parser;
  // other paths skip their router without walking its routes.
  const meta = createMetaRouter({
    jwks: () => c.tokens.jwks(),
    metrics: c.metrics,
    metricsToken: config.metricsToken,
    readiness: c.readiness,
    isShuttingDown: c.isShuttingDown,
    openapi: c.openapi,
  });
  app.use((req, res, next) => (META_PATHS.test(req.path) ? meta(req, res, next) : next()));

  // Provider webhooks are signed over their raw bytes: mounted before the JSON guard and parser,
  // each route reads its own raw body. Providers post in bursts from few IPs: a separate budget.
  app.use(
    '/v1/webhooks',
    createWebhooksRouter({
      verifiers: c.webhooks,
      controller: createWebhooksController({ events: c.emailEvents, logger: c.logger }),
      limiter: createLimiter({
        name: 'webhooks',
        windowMs: 60_000,
        limit: 1200,
        metrics: c.metrics,
        store: c.limiterStore?.('webhooks'),
      }),
    }),
  );

  const general = createLimiter({
    name: 'general',
    windowMs: config.rateLimit.windowMs,
    limit: config.rateLimit.max,
    metrics: c.metrics,
    store: c.limiterStore?.('general'),
  });
  const parseJson = express.json({
    limit: config.bodyLimit,
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
  // The general per-IP limit, then the body: requests without one (every GET, most DELETEs)
  // skip the parser; requireJsonBody has already refused a body that is not JSON.
  app.use(
    series(general, requireJsonBody, (req, res, next) =>
      requestHasBody(req) ? parseJson(req, res, next) : next(),
    ),
  );

  const deps = {
    auth: createAuthController({ otp: c.otp, sessions: c.sessions }),
    account: createAccountController({ users: c.users, sessions: c.sessions }),
    authenticate: authenticate(c.sessions),
    limiters: {
      verify: createLimiter({
        name: 'verify',
        windowMs: 300_000,
        limit: config.rateLimit.verifyPer5Min,
        metrics: c.metrics,
        store: c.limiterStore?.('verify'),
      }),
      refresh: createLimiter({
        name: 'refresh',
        windowMs: 300_000,
        limit: config.rateLimit.refreshPer5Min,
        metrics: c.metrics,
        store: c.limiterStore?.('refresh'),
      }),
    },
    codeLength: config.otp.length,
  };
  app.use(
    '/v1/admin',
    createAdminRouter({
      authenticate: adminAuth({ keys: config.adminApiKeys, logger: c.logger }),
      controller: createAdminController({ admin: c.admin }),
    }),
  );
  registerV1Routes(app, deps);
  // The card's unversioned aliases can be switched off (feature flag) once clients use /v1.
  if (c.featureFlags.isOn('unversioned_aliases')) registerOtpRoutes(app, '/otp', deps);

  app.use((_req, _res, next) => next(new AppError('not_found')));
  app.use(createErrorHandler(c.logger, c.reportError));
  return app;
}
