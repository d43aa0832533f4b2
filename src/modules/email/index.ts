/** The email module's public face: what other modules and the composition root may use. */
export type { CodeMinter, Mailer, MailJob, MailQueue, PendingCodes, Suppression } from './email.ports';
export type { DeliveryReport, DeliveryService } from './delivery.service';
export type { SuppressionPage, SuppressionService } from './suppression.service';
export type { EmailEventService } from './webhooks/email-events.service';
export type { CertificateFetcher } from './webhooks/sns-certificates';
export type { RetryPolicy } from './queue/memory-mail-queue';
export { resolveLocale } from './templates/otp-email.template';
export type { SupportedLocale } from './templates/otp-email.strings';
export {
  escapeHtml,
  mailtoHref,
  resolveBrand,
  type EmailBrand,
  type ResolvedBrand,
} from './templates/email-layout';
export { createEmailModule, type EmailModule, type EmailModuleDeps } from './email.module';
export { webhookRouteTable } from './webhooks/webhooks.routes';
