/** The admin module's public face: what the composition root may use. */
export { createAdminModule, type AdminModule } from './admin.module';
export { adminRouteTable } from './admin.routes';
export type { AdminAuditEntry, AdminAuditOutcome, AdminAuditRepository } from './admin.ports';
