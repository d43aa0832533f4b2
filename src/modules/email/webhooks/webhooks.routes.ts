import express, { type RequestHandler } from 'express';
import { problem } from '../../../platform/http/openapi';
import type { Bindings, RouteSpec, RouteTable, SchemaSpec } from '../../../platform/http/route-table';
import type { createWebhooksController } from './webhooks.controller';
import type { WebhookProvider, WebhookVerifier } from './delivery-event';

type Step = 'Limiter' | 'Body' | 'Events';
export type WebhookHandler = `${WebhookProvider}${Step}`;

/**
 * The largest body each provider may post (413 beyond it, before anything is verified), from
 * what each documents (docs/email.md, "Webhooks"). SendGrid's is checked on the raw bytes before
 * any parsing; Mailgun's and SNS's signatures sit inside their JSON, so those bodies are parsed
 * first and their caps are small.
 */
export const WEBHOOK_BODY_LIMITS: Record<WebhookProvider, number> = {
  // Batches are posted when they reach 768 KB: room for the event that crossed it.
  sendgrid: 1024 * 1024,
  // One event per request: a few KB, since our messages carry no tags or variables of their own.
  mailgun: 64 * 1024,
  // SNS's largest message is 256 KB; an SES notification of a one-recipient message is a few KB.
  ses: 256 * 1024,
};
const kib = (bytes: number) => `${bytes / 1024} KiB`;

/** A provider webhook: signed raw body in, 204 out; 401 changes nothing, so the provider may retry. */
const webhook = (
  provider: WebhookProvider,
  doc: { operationId: string; summary: string; description: string; body: Record<string, SchemaSpec> },
): RouteSpec<WebhookHandler> => ({
  method: 'post',
  path: `/v1/webhooks/${provider}`,
  operationId: doc.operationId,
  tags: ['webhooks'],
  summary: doc.summary,
  description: doc.description,
  limiter: `${provider}Limiter`,
  request: { raw: { parser: `${provider}Body`, content: doc.body } },
  responses: {
    '204': { description: 'Verified and applied (a duplicate event is applied once)' },
    '400': problem('Signed but unusable (invalid_request), e.g. not an array of events'),
    '401': problem('Missing, invalid, stale or replayed signature (unauthorized); nothing changed'),
    '404': problem('This provider webhook is not configured (not_found)'),
    '413': problem(`Body over ${kib(WEBHOOK_BODY_LIMITS[provider])} (payload_too_large)`),
    '429': problem('Rate limited (rate_limited), or too many refused requests from this IP; see Retry-After'),
    '503': problem('Storage unavailable (service_unavailable): the provider retries'),
  },
  handler: `${provider}Events`,
});

/**
 * POST /v1/webhooks/{sendgrid,mailgun,ses}, one router mounted before the JSON guard and parser.
 * Signatures cover the exact bytes sent, so the body is kept raw (any content type: SNS posts
 * text/plain) up to the provider's cap (WEBHOOK_BODY_LIMITS). Bodies are signed bytes, which
 * Joi does not describe: their shapes are documented here by hand.
 */
export const webhookRouteTable: RouteTable<WebhookHandler> = {
  mount: '/v1/webhooks',
  routes: [
    webhook('sendgrid', {
      operationId: 'sendgridEvents',
      summary: 'SendGrid signed Event Webhook',
      description:
        'ECDSA signature over X-Twilio-Email-Event-Webhook-Timestamp + raw body (headers X-Twilio-Email-Event-Webhook-Signature/-Timestamp), timestamp within 300 s. Each sg_event_id applies once; bounce, dropped and spamreport suppress the address. Needs SENDGRID_WEBHOOK_PUBLIC_KEY.',
      body: {
        'application/json': { type: 'array', items: { type: 'object', required: ['sg_event_id', 'event'] } },
      },
    }),
    webhook('mailgun', {
      operationId: 'mailgunEvents',
      summary: 'Mailgun webhook',
      description:
        'signature.signature = HMAC-SHA256(signing key, timestamp + token), timestamp within 300 s, each token once. Permanent failures and complaints suppress the address. Needs MAILGUN_WEBHOOK_SIGNING_KEY.',
      body: { 'application/json': { type: 'object', required: ['signature', 'event-data'] } },
    }),
    webhook('ses', {
      operationId: 'sesNotifications',
      summary: 'SES notifications through an SNS HTTPS subscription',
      description:
        'SNS message from SES_SNS_TOPIC_ARN, signature verified with the certificate at SigningCertURL (only sns.<region>.amazonaws.com), at most 1 h old. SubscriptionConfirmation is logged for an operator, not followed. Permanent bounces and complaints suppress the address.',
      body: {
        'text/plain': { type: 'string', description: 'The SNS message as JSON text' },
        'application/json': { type: 'object', required: ['Type', 'MessageId', 'Signature'] },
      },
    }),
  ],
};

const PROVIDERS: WebhookProvider[] = ['sendgrid', 'mailgun', 'ses'];

/**
 * A configured provider: its budgets (`limiter`: every request, then refused ones, both per
 * IP), the raw body up to its cap, verify and apply. One whose key is not configured answers
 * 404 at once (nothing can be verified, so nothing is read or counted).
 */
export function webhookBindings(deps: {
  verifiers: Partial<Record<WebhookProvider, WebhookVerifier>>;
  controller: ReturnType<typeof createWebhooksController>;
  limiter: RequestHandler;
}): Bindings<WebhookHandler> {
  const skip: RequestHandler = (_req, _res, next) => next();
  const bind = {} as Bindings<WebhookHandler>;
  for (const provider of PROVIDERS) {
    const verifier = deps.verifiers[provider];
    bind[`${provider}Limiter`] = verifier ? deps.limiter : skip;
    bind[`${provider}Body`] = verifier
      ? express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMITS[provider] })
      : skip;
    bind[`${provider}Events`] = verifier ? deps.controller.receive(verifier) : deps.controller.notConfigured;
  }
  return bind;
}
