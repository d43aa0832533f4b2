import type { Repositories } from '../store';
import { createMongoIpRuleRepository } from '../../modules/ip-rules/repositories/mongo/ip-rule.repository';
import {
  createMongoEmailEventRepository,
  createMongoEmailMessageRepository,
  createMongoSuppressionRepository,
} from '../../modules/email/repositories/mongo/mail.repository';
import { guardRepository } from '../../platform/mongo/mongo-guard';
import type { MongoOps } from '../../platform/mongo/mongo-ops';
import {
  createMongoAuthFailureRepository,
  createMongoOtpRepository,
} from '../../modules/auth/repositories/mongo/otp.repository';
import {
  createMongoRefreshTokenRepository,
  createMongoSessionRepository,
} from '../../modules/auth/repositories/mongo/session.repository';
import { createMongoUserRepository } from '../../modules/auth/repositories/mongo/user.repository';

/**
 * Every repository port over one set of collection operations (the connection, or one
 * transaction's session). Each is wrapped by the operator guard, so no argument carrying a
 * `$` key reaches a filter or an update.
 */
export function createMongoRepositories(ops: MongoOps): Repositories {
  return {
    users: guardRepository('users', createMongoUserRepository(ops)),
    otps: guardRepository('otps', createMongoOtpRepository(ops)),
    authFailures: guardRepository('authFailures', createMongoAuthFailureRepository(ops)),
    sessions: guardRepository('sessions', createMongoSessionRepository(ops)),
    refreshTokens: guardRepository('refreshTokens', createMongoRefreshTokenRepository(ops)),
    suppressions: guardRepository('suppressions', createMongoSuppressionRepository(ops)),
    emailMessages: guardRepository('emailMessages', createMongoEmailMessageRepository(ops)),
    emailEvents: guardRepository('emailEvents', createMongoEmailEventRepository(ops)),
    ipRules: guardRepository('ipRules', createMongoIpRuleRepository(ops)),
  };
}
