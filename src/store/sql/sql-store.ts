import type { Repositories, Store } from '../store';
import { createSqlAdminAuditRepository } from '../../modules/admin/repositories/sql/audit.repository';
import {
  createSqlEmailEventRepository,
  createSqlEmailMessageRepository,
  createSqlSuppressionRepository,
} from '../../modules/email/repositories/sql/mail.repository';
import { createSqlWebhookTokenRepository } from '../../modules/email/repositories/sql/webhook-token.repository';
import { createSqlIpRuleRepository } from '../../modules/ip-rules/repositories/sql/ip-rule.repository';
import { migrations } from './migrations';
import {
  createSqlAuthFailureRepository,
  createSqlOtpRepository,
} from '../../modules/auth/repositories/sql/otp.repository';
import { createSqlLoginRules } from '../../modules/auth/repositories/sql/login-rules';
import {
  createSqlRefreshTokenRepository,
  createSqlSessionRepository,
} from '../../modules/auth/repositories/sql/session.repository';
import {
  createSqlKnownDeviceRepository,
  createSqlSessionLinkRepository,
} from '../../modules/auth/repositories/sql/known-device.repository';
import type { Queryable, SqlClient } from '../../platform/sql/sql-client';
import { createSqlMfaRepository } from '../../modules/auth/repositories/sql/mfa.repository';
import { createSqlUserRepository } from '../../modules/auth/repositories/sql/user.repository';

function repositories(db: Queryable): Repositories {
  return {
    users: createSqlUserRepository(db),
    otps: createSqlOtpRepository(db),
    authFailures: createSqlAuthFailureRepository(db),
    sessions: createSqlSessionRepository(db),
    refreshTokens: createSqlRefreshTokenRepository(db),
    knownDevices: createSqlKnownDeviceRepository(db),
    sessionLinks: createSqlSessionLinkRepository(db),
    mfa: createSqlMfaRepository(db),
    suppressions: createSqlSuppressionRepository(db),
    emailMessages: createSqlEmailMessageRepository(db),
    emailEvents: createSqlEmailEventRepository(db),
    webhookTokens: createSqlWebhookTokenRepository(db),
    ipRules: createSqlIpRuleRepository(db),
    adminAudit: createSqlAdminAuditRepository(db),
  };
}

/**
 * A migration's statements: split where a `;` ends a line, except inside a dollar-quoted body
 * (`$fn$ … $fn$`, a function's), whose own statements end lines too.
 */
export function statementsOf(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const part of sql.split(/(\$[A-Za-z_]*\$)/)) {
    if (/^\$[A-Za-z_]*\$$/.test(part)) {
      if (quote === undefined) quote = part;
      else if (quote === part) quote = undefined;
      current += part;
    } else if (quote !== undefined) {
      current += part;
    } else {
      const [first, ...rest] = part.split(/;\s*\n/);
      current += first;
      for (const next of rest) {
        statements.push(current);
        current = next;
      }
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter(Boolean);
}

/** Applies pending migrations; an advisory lock keeps two instances starting at once from racing. */
export async function migrateSql(client: SqlClient): Promise<number[]> {
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(727274)');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const statement of statementsOf(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    }
    return applied;
  });
}

/** The SQL storage backend, shared by PostgreSQL and PGlite. */
export function createSqlStore(client: SqlClient): Store {
  return {
    kind: client.kind,
    ...repositories(client),
    transaction: (work) => client.transaction((tx) => work(repositories(tx))),
    ...createSqlLoginRules(client),
    migrate: async () => {
      await migrateSql(client);
    },
    ping: async () => {
      await client.query('SELECT 1');
    },
    close: () => client.close(),
    ...(client.pool ? { poolStats: client.pool } : {}),
  };
}
