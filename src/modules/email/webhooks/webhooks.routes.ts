import express, { Router, type RequestHandler } from 'express';
import type { createWebhooksController } from './webhooks.controller';
import type { WebhookProvider, WebhookVerifier } from './delivery-event';
import { route } from '../../../platform/http/route';

const PROVIDERS: WebhookProvider[] = ['sendgrid', 'mailgun', 'ses'];

/**
 * POST /v1/webhooks/{sendgrid,mailgun,ses}. Signatures cover the exact bytes sent, so the
 * body is kept raw (any content type: SNS posts text/plain) up to 1 MB, and parsed only after
 * it verified.
 */
export function createWebhooksRouter(deps: {
  verifiers: Partial<Record<WebhookProvider, WebhookVerifier>>;
  controller: ReturnType<typeof createWebhooksController>;
  limiter: RequestHandler;
}): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: '1mb' });
  for (const provider of PROVIDERS) {
    const verifier = deps.verifiers[provider];
    route(router, `/${provider}`, {
      post: verifier
        ? [deps.limiter, raw, deps.controller.receive(verifier)]
        : [deps.controller.notConfigured],
    });
  }
  return router;
}
