import type { RequestHandler } from 'express';
import type { Logger } from 'winston';
import { AppError } from '../../../platform/errors/app-error';
import { WebhookError, type WebhookVerifier } from './delivery-event';
import type { EmailEventService } from './email-events.service';

/**
 * Provider webhooks in and out: verify on the raw bytes, apply, answer 204. A request that
 * fails verification changes nothing and gets 401 (400 when it was signed but unusable); a
 * storage fault answers 503 so the provider retries, and the event ids keep the retry harmless.
 */
export function createWebhooksController(deps: { events: EmailEventService; logger: Logger }) {
  const receive =
    (verifier: WebhookVerifier): RequestHandler =>
    async (req, res) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let verified;
      try {
        verified = await verifier.verify({ rawBody, header: (name) => req.get(name) });
      } catch (err) {
        if (!(err instanceof WebhookError)) throw err;
        deps.logger.warn('webhook refused', {
          event: 'webhook.refused',
          provider: verifier.provider,
          reason: err.reason,
          requestId: res.locals.requestId,
        });
        throw err.reason === 'malformed'
          ? new AppError('invalid_request', { detail: err.message })
          : new AppError('unauthorized');
      }
      if (verified.notice) {
        deps.logger.warn(`SNS ${verified.notice.kind} confirmation received: an operator must open the URL`, {
          event: `webhook.sns_${verified.notice.kind}`,
          topicArn: verified.notice.topicArn,
          confirmUrl: verified.notice.url,
          requestId: res.locals.requestId,
        });
      }
      try {
        const result = await deps.events.apply(verified.events, {
          requestId: res.locals.requestId,
        });
        deps.logger.info('webhook applied', {
          event: 'webhook.applied',
          provider: verifier.provider,
          ...result,
          requestId: res.locals.requestId,
        });
      } catch (err) {
        await verified.release?.().catch(() => undefined);
        throw err;
      }
      res.status(204).end();
    };

  /** A provider whose key is not configured: nothing can be verified, so nothing is accepted. */
  const notConfigured: RequestHandler = (_req, _res, next) =>
    next(new AppError('not_found', { detail: 'This webhook is not configured' }));

  return { receive, notConfigured };
}
