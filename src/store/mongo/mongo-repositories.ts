import type { Repositories } from '../store';
import { createMongoAdminAuditRepository } from '../../modules/admin/repositories/mongo/audit.repository';
import { createMongoIpRuleRepository } from '../../modules/ip-rules/repositories/mongo/ip-rule.repository';
import {
  createMongoEmailEventRepository,
  createMongoEmailMessageRepository,
  createMongoSuppressionRepository,
} from '../../modules/email/repositories/mongo/mail.repository';
import { createMongoWebhookTokenRepository } from '../../modules/email/repositories/mongo/webhook-token.repository';
import { guardRepository } from '../../platform/mongo/mongo-guard';
import type { MongoOps } from '../../platform/mongo/mongo-ops';
import { mongoAuthRepositories } from '../../modules/auth/repositories/mongo/login-rules';
import { createMongoMfaRepository } from '../../modules/auth/repositories/mongo/mfa.repository';

/**
 * Every repository port over one set of collection operations (the connection, or one
 * transaction's session). Each is wrapped by the operator guard, so no argument carrying a
 * `$` key reaches a filter or an update.
 */
export function createMongoRepositories(ops: MongoOps): Repositories {
  return {
    ...mongoAuthRepositories(ops),
    mfa: guardRepository('totpFactors', createMongoMfaRepository(ops)),
    suppressions: guardRepository('suppressions', createMongoSuppressionRepository(ops)),
    emailMessages: guardRepository('emailMessages', createMongoEmailMessageRepository(ops)),
    emailEvents: guardRepository('emailEvents', createMongoEmailEventRepository(ops)),
    webhookTokens: guardRepository('webhookTokens', createMongoWebhookTokenRepository(ops)),
    ipRules: guardRepository('ipRules', createMongoIpRuleRepository(ops)),
    adminAudit: guardRepository('adminAudit', createMongoAdminAuditRepository(ops)),
  };
}
