import type { Logger } from 'winston';
import type { Metrics } from '../../platform/metrics';
import type { Clock } from '../../platform/clock';
import { encodeCursor } from '../../platform/cursor';
import { idPosition } from './admin-cursors';
import type { AuthRepositories, User } from '../auth';
import type {
  DeliveryReport,
  DeliveryService,
  Suppression,
  SuppressionPage,
  SuppressionService,
} from '../email';
import type { IpRule, IpRuleInput, IpRuleService } from '../ip-rules';
import type { AdminStats } from './admin-stats';
import type { AdminAuditLog, AuditPage } from './admin-audit';

/** Who acts: the key's id and the request id (never the key itself). */
export interface AdminActor {
  keyId: string;
  requestId: string;
  ip?: string;
}

export interface UserPage {
  data: User[];
  nextCursor: string | null;
}

const SESSION_PAGE = 500;

const cursorAfter = (u: User) => encodeCursor(u.createdAt, u.id);

function userPosition(cursor: string): { createdAt: Date; id: string } {
  const position = idPosition(cursor);
  return { createdAt: position.createdAt, id: position.key };
}

/**
 * The administrative operations behind /v1/admin. Every call, read or write, is written to
 * the audit log as an `admin.*` event with the request id and the key id; emails appear only
 * as their keyed hash. Each mutating call is also recorded in the database's audit log
 * (`auditLog.around`: its outcome, or `failed` with the error's code).
 */
export class AdminService {
  constructor(
    private readonly deps: {
      store: Pick<AuthRepositories, 'users' | 'sessions'>;
      ipRules: IpRuleService;
      suppressions: SuppressionService;
      deliveries: DeliveryService;
      /** Drops cached state of a user and their sessions after a committed change. */
      onUserChanged: (userId: string) => Promise<void>;
      /** Erases a user: their rows, codes, delivery history and cache (the login module). */
      eraseUser: (userId: string) => Promise<boolean>;
      stats: () => Promise<AdminStats>;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
      emailHash: (email: string) => string;
      auditLog: AdminAuditLog;
    },
  ) {}

  /** Users oldest first, `limit` per page; `email` (already canonical) finds at most one. */
  async listUsers(
    actor: AdminActor,
    query: { limit: number; cursor?: string; email?: string },
  ): Promise<UserPage> {
    this.audit(
      actor,
      'admin.users.listed',
      query.email ? { emailHash: this.deps.emailHash(query.email) } : {},
    );
    if (query.email) {
      const user = await this.deps.store.users.findByEmail(query.email);
      return { data: user ? [user] : [], nextCursor: null };
    }
    const after = query.cursor ? userPosition(query.cursor) : undefined;
    const rows = await this.deps.store.users.list({ limit: query.limit + 1, after });
    const data = rows.slice(0, query.limit);
    return { data, nextCursor: rows.length > query.limit ? cursorAfter(data[data.length - 1]) : null };
  }

  async getUser(actor: AdminActor, id: string): Promise<{ user: User; activeSessions: number } | undefined> {
    const user = await this.deps.store.users.findById(id);
    this.audit(actor, 'admin.user.viewed', { userId: id, found: user !== undefined });
    if (!user) return undefined;
    return { user, activeSessions: await this.countActiveSessions(id) };
  }

  /** Revokes every session of the user at once; undefined when the user does not exist. */
  async revokeSessions(actor: AdminActor, userId: string): Promise<number | undefined> {
    return this.deps.auditLog.around(actor, 'admin.user.sessions_revoked', userId, async () => {
      const user = await this.deps.store.users.findById(userId);
      if (!user) {
        this.audit(actor, 'admin.user.sessions_revoked', { userId, found: false });
        return { result: undefined, outcome: 'not_found' };
      }
      const revoked = await this.revokeAll(userId);
      this.audit(actor, 'admin.user.sessions_revoked', { userId, found: true, revoked });
      return { result: revoked, outcome: 'success', details: { revoked } };
    });
  }

  /** Erases the user: sessions, factors, codes and delivery history go with them (docs/admin.md). */
  async deleteUser(actor: AdminActor, userId: string): Promise<boolean> {
    return this.deps.auditLog.around(actor, 'admin.user.deleted', userId, async () => {
      const deleted = await this.deps.eraseUser(userId);
      this.audit(actor, 'admin.user.deleted', { userId, found: deleted });
      return { result: deleted, outcome: deleted ? 'success' : 'not_found' };
    });
  }

  async stats(actor: AdminActor): Promise<AdminStats> {
    this.audit(actor, 'admin.stats.viewed', {});
    return this.deps.stats();
  }

  async listIpRules(
    actor: AdminActor,
  ): Promise<{ data: IpRule[]; config: { deny: string[]; allow: string[] } }> {
    this.audit(actor, 'admin.ip_rules.listed', {});
    return { data: await this.deps.ipRules.list(), config: this.deps.ipRules.staticRules() };
  }

  async createIpRule(actor: AdminActor, input: IpRuleInput): Promise<{ rule: IpRule; created: boolean }> {
    const asked = { cidr: input.cidr, action: input.action };
    return this.deps.auditLog.around(
      actor,
      'admin.ip_rule.created',
      null,
      async () => {
        const result = await this.deps.ipRules.create(input, actor.ip);
        this.audit(actor, 'admin.ip_rule.created', {
          ruleId: result.rule.id,
          cidr: result.rule.cidr,
          action: result.rule.action,
          created: result.created,
        });
        return {
          result,
          outcome: result.created ? 'success' : 'unchanged',
          target: result.rule.id,
          details: { cidr: result.rule.cidr, action: result.rule.action },
        };
      },
      asked,
    );
  }

  async deleteIpRule(actor: AdminActor, id: string): Promise<boolean> {
    return this.deps.auditLog.around(actor, 'admin.ip_rule.deleted', id, async () => {
      const deleted = await this.deps.ipRules.delete(id);
      this.audit(actor, 'admin.ip_rule.deleted', { ruleId: id, found: deleted });
      return { result: deleted, outcome: deleted ? 'success' : 'not_found' };
    });
  }

  async listSuppressions(
    actor: AdminActor,
    cursor: string | undefined,
    limit: number,
  ): Promise<SuppressionPage> {
    this.audit(actor, 'admin.suppressions.listed', {});
    return this.deps.suppressions.list(cursor, limit);
  }

  /** Suppresses an address by hand (reason `manual`, source `admin`); an existing entry is kept as it is. */
  async addSuppression(
    actor: AdminActor,
    email: string,
  ): Promise<{ suppression: Suppression; created: boolean }> {
    const emailHash = this.deps.emailHash(email);
    return this.deps.auditLog.around(actor, 'admin.suppression.added', emailHash, async () => {
      const result = await this.deps.suppressions.add(email, {
        reason: 'manual',
        source: 'admin',
        requestId: actor.requestId,
      });
      this.audit(actor, 'admin.suppression.added', { emailHash, created: result.created });
      return { result, outcome: result.created ? 'success' : 'unchanged' };
    });
  }

  /** `email` is canonical (validated by the route). */
  async removeSuppression(actor: AdminActor, email: string): Promise<boolean> {
    const emailHash = this.deps.emailHash(email);
    return this.deps.auditLog.around(actor, 'admin.suppression.removed', emailHash, async () => {
      const removed = await this.deps.suppressions.remove(email, { requestId: actor.requestId });
      this.audit(actor, 'admin.suppression.removed', { emailHash, found: removed });
      return { result: removed, outcome: removed ? 'success' : 'not_found' };
    });
  }

  async messagesFor(actor: AdminActor, email: string, limit: number): Promise<DeliveryReport> {
    this.audit(actor, 'admin.email_messages.viewed', { emailHash: this.deps.emailHash(email) });
    return this.deps.deliveries.recentMessagesFor(email, limit);
  }

  /** The audit log of admin actions, newest first (the listing itself is a log line only). */
  async listAudit(
    actor: AdminActor,
    query: { limit: number; cursor?: string; action?: string },
  ): Promise<AuditPage> {
    this.audit(actor, 'admin.audit.listed', query.action ? { action: query.action } : {});
    return this.deps.auditLog.list(query);
  }

  /** Active sessions of a user, counted a page at a time so thousands of sessions are still read whole. */
  private async countActiveSessions(userId: string): Promise<number> {
    let count = 0;
    let after: { createdAt: Date; id: string } | undefined;
    const now = this.deps.clock.now();
    for (;;) {
      const page = await this.deps.store.sessions.listActiveForUser(userId, now, {
        limit: SESSION_PAGE,
        after,
      });
      count += page.length;
      if (page.length < SESSION_PAGE) return count;
      const last = page[page.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /**
   * One statement revokes every session in the database; the cache is then told, so the
   * revocation holds on the next request on every instance (each request checks session state).
   */
  private async revokeAll(userId: string): Promise<number> {
    const revoked = await this.deps.store.sessions.revokeAllForUser(userId, this.deps.clock.now(), 'admin');
    await this.deps.onUserChanged(userId);
    if (revoked > 0) this.deps.metrics.sessionRevocations.inc({ reason: 'admin' }, revoked);
    return revoked;
  }

  private audit(actor: AdminActor, event: string, details: Record<string, unknown>): void {
    this.deps.logger.info('admin action', {
      event,
      requestId: actor.requestId,
      keyId: actor.keyId,
      ...details,
    });
  }
}
