import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import type { BoundTable } from '../../platform/http/route-table';
import type { Metrics } from '../../platform/metrics';
import type { AuthRepositories } from '../auth';
import type { DeliveryService, SuppressionService } from '../email';
import type { IpRuleService } from '../ip-rules';
import { adminAuth } from './admin-auth';
import { createStatsReader } from './admin-stats';
import { createAdminController } from './admin.controller';
import { adminRouteTable, type AdminHandler } from './admin.routes';
import { AdminService } from './admin.service';
import { AdminAuditLog } from './admin-audit';
import type { AdminAuditRepository } from './admin.ports';

export interface AdminModule {
  service: AdminService;
  /** /v1/admin (admin.routes.ts), every path beneath it behind the X-API-Key check. */
  routes: BoundTable<AdminHandler>;
  /** Deletes audit entries older than `cutoff` (the periodic sweep). */
  sweep(cutoff: Date): Promise<number>;
  close(): void;
}

export function createAdminModule(deps: {
  /** ADMIN_API_KEYS; none turns the admin API off (403). */
  keys: string[];
  store: Pick<AuthRepositories, 'users' | 'sessions'>;
  audit: AdminAuditRepository;
  ipRules: IpRuleService;
  suppressions: SuppressionService;
  deliveries: DeliveryService;
  onUserChanged: (userId: string) => Promise<void>;
  /** Erases a user and all that is theirs (the login module's `eraseUser`). */
  eraseUser: (userId: string) => Promise<boolean>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  emailHash: (email: string) => string;
}): AdminModule {
  const { store, clock, logger, metrics } = deps;
  const auditLog = new AdminAuditLog({ repo: deps.audit, clock, logger });
  const service = new AdminService({
    store,
    ipRules: deps.ipRules,
    suppressions: deps.suppressions,
    deliveries: deps.deliveries,
    onUserChanged: deps.onUserChanged,
    eraseUser: deps.eraseUser,
    stats: createStatsReader({ store, metrics, clock }),
    clock,
    logger,
    metrics,
    emailHash: deps.emailHash,
    auditLog,
  });
  const bind = {
    ...createAdminController({ admin: service }),
    adminAuth: adminAuth({
      keys: deps.keys,
      logger,
      record: (actor, entry) => auditLog.record(actor, entry),
    }),
  };
  return {
    service,
    routes: { table: adminRouteTable, bind },
    sweep: (cutoff) => auditLog.sweep(cutoff),
    close: () => undefined,
  };
}
