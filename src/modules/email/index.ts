/** The email module's public face: what other modules and the composition root may use. */
export type { MailJob, MailQueue, Suppression } from './email.ports';
export type { DeliveryReport, DeliveryService } from './delivery.service';
export type { SuppressionPage, SuppressionService } from './suppression.service';
export { resolveLocale } from './templates/otp-email.template';
