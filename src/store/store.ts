import type { AdminAuditRepository } from '../modules/admin/admin.ports';
import type { AuthRepositories, AuthStore } from '../modules/auth/auth.ports';
import type { EmailRepositories } from '../modules/email/email.ports';
import type { IpRuleRepository } from '../modules/ip-rules/ip-rules.ports';
import type { PoolStats } from '../platform/metrics-backends';

/** Every module's repositories, as one transaction sees them. */
export interface Repositories extends AuthRepositories, EmailRepositories {
  ipRules: IpRuleRepository;
  adminAudit: AdminAuditRepository;
}

/**
 * A storage backend (PostgreSQL, PGlite or MongoDB): every module's repositories, a unit of work
 * whose repositories share one transaction, the login module's one-step rules, and its life cycle.
 */
export interface Store extends AuthStore, Repositories {
  readonly kind: 'pglite' | 'postgres' | 'mongo';
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The connection pool now (PostgreSQL, MongoDB); absent for PGlite, which has none. */
  poolStats?(): PoolStats | undefined;
}
