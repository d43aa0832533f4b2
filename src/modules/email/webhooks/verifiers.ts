import type { Clock } from '../../../platform/clock';
import type { Config } from '../../../platform/config/config';
import type { WebhookProvider, WebhookVerifier } from './delivery-event';
import { createMailgunWebhook } from './mailgun.webhook';
import { createSendGridWebhook } from './sendgrid.webhook';
import { createSesWebhook } from './ses.webhook';
import type { ReplayGuard } from './replay-guard';
import { createCertificateFetcher, type CertificateFetcher } from './sns-certificates';

/** A verifier per provider whose webhook key is configured; the others' routes answer 404. */
export function createWebhookVerifiers(
  keys: Config['email']['webhooks'],
  clock: Clock,
  tokens: ReplayGuard,
  snsCertificateFetcher?: CertificateFetcher,
): Partial<Record<WebhookProvider, WebhookVerifier>> {
  const { sendgridPublicKey, mailgunSigningKey, sesSnsTopicArn } = keys;
  return {
    sendgrid: sendgridPublicKey ? createSendGridWebhook({ publicKey: sendgridPublicKey, clock }) : undefined,
    mailgun: mailgunSigningKey
      ? createMailgunWebhook({ signingKey: mailgunSigningKey, clock, tokens })
      : undefined,
    ses: sesSnsTopicArn
      ? createSesWebhook({
          topicArn: sesSnsTopicArn,
          clock,
          fetchCertificate: createCertificateFetcher(snsCertificateFetcher, { clock }),
        })
      : undefined,
  };
}
