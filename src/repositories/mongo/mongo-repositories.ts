import type { Repositories } from '../../services/ports';
import { createMongoIpRuleRepository } from './ip-rule.repository';
import {
  createMongoEmailEventRepository,
  createMongoEmailMessageRepository,
  createMongoSuppressionRepository,
} from './mail.repository';
import { guardRepository } from './mongo-guard';
import type { MongoOps } from './mongo-ops';
import { createMongoAuthFailureRepository, createMongoOtpRepository } from './otp.repository';
import { createMongoRefreshTokenRepository, createMongoSessionRepository } from './session.repository';
import { createMongoUserRepository } from './user.repository';

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
