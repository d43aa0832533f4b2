import express, { type Express } from 'express';
import type { Container } from './composition-root';
import { mountRoutes } from './platform/http/route-table';

export { META_PATHS } from './platform/http/meta.routes';

/**
 * Mounts what the composition root built, in order; constructs nothing, and never listens.
 * Each module's route table (src/platform/http/route-table.ts) says how it is registered: the
 * login routes on the app itself with their full paths (every router a request passes through
 * costs it a dispatch of its own), the webhooks and the admin API as one router each.
 */
export function createApp(c: Container): Express {
  const { config, http, modules } = c;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  app.set('json spaces', 0);
  // Every API answer is Cache-Control: no-store, so an ETag would only cost a SHA-1 of each
  // body. Only the JWKS (by max-age) and the client library (its own ETag) are cacheable.
  app.set('etag', false);

  // The head of the stack runs on every request, as one layer: the request id, security
  // headers, then the IP guard as the first real work (a refused address costs no body
  // parsing, rate-limit budget or query), the request log and metrics, and CORS.
  app.use(http.head);
  // API answers are a few hundred bytes, under compression's 1 KiB threshold, so gzip is
  // applied only where bodies are large and the hot paths skip the middleware's cost.
  app.use(['/docs', '/v1/openapi.json', '/metrics', '/v1/client.js'], http.gzip);
  // The meta routes (probes, metrics, JWKS, docs) sit before the limiter and the body parser.
  app.use(http.meta);
  // The hosted sign-in page (`/` and `/ui/*`, when HOSTED_UI_ENABLED): static files and one
  // rendered page, before the limiter like the docs.
  if (modules.hostedUi.handler) app.use(modules.hostedUi.handler);
  // Provider webhooks are signed over their raw bytes: mounted before the JSON guard and parser,
  // each route reads its own raw body, with a budget of its own.
  mountRoutes(app, modules.email.webhooks);
  app.use(http.limitAndParse);
  // /v1/admin: one router, the API key checked before any route or 404 beneath it.
  mountRoutes(app, modules.admin.routes);
  // The login routes, flat: the hot paths.
  mountRoutes(app, modules.auth.routes);
  app.use(http.notFound);
  app.use(http.errorHandler);
  return app;
}
