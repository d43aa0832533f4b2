import type { Repositories } from '../../../src/store/store';
import type { AuthStore } from '../../../src/modules/auth/auth.ports';
import type { mongoAuthRepositories } from '../../../src/modules/auth/repositories/mongo/login-rules';
import { mfaCalls } from './mfa-calls';

/** The repositories as MongoDB has them: the login module's with the steps only its rules take. */
type AuthInternals = ReturnType<typeof mongoAuthRepositories>;
type MongoRepositories = Omit<Repositories, keyof AuthInternals> & AuthInternals;

/**
 * Valid arguments for every method of every repository port, one list per distinct way the method builds its
 * query (with and without a cursor, each filter combination). The offline tests run each through the Mongo
 * repositories; a method missing here fails them, so a port method added later cannot go unchecked.
 */
const now = new Date('2030-01-01T00:00:00Z');
const later = new Date('2030-01-02T00:00:00Z');
const message = {
  otpId: 'otp-1',
  email: 'someone@example.com',
  provider: 'sendgrid',
  providerMessageId: 'pm-1',
  status: 'sent',
};

export const repositoryCalls: {
  [R in keyof MongoRepositories]: Record<keyof MongoRepositories[R], unknown[][]>;
} = {
  users: {
    findById: [['user-1']],
    findByEmail: [['someone@example.com']],
    upsertOnLogin: [['someone@example.com', now]],
    list: [[{ limit: 20 }], [{ limit: 20, after: { createdAt: now, id: 'user-1' } }]],
    delete: [['user-1']],
    changeEmail: [['user-1', 'other@example.com']],
    count: [[]],
  },
  otps: {
    lockEmail: [['someone@example.com']],
    create: [
      [
        {
          email: 'someone@example.com',
          emailDomain: 'example.com',
          purpose: 'login',
          requestIp: '203.0.113.7',
          createdAt: now,
          expiresAt: later,
        },
      ],
    ],
    setCodeHash: [
      ['otp-1', 'hash', now],
      ['otp-1', 'hash', now, 'ab'.repeat(32)],
    ],
    findByLinkHash: [['ab'.repeat(32), now]],
    latestCreatedAt: [['someone@example.com']],
    countCreatedSince: [
      [{ email: 'someone@example.com' }, now],
      [{ requestIp: '203.0.113.7' }, now],
      [{ emailDomain: 'example.com' }, now],
      [{ email: 'someone@example.com', requestIp: '203.0.113.7' }, now],
    ],
    listNewest: [['someone@example.com', 3]],
    lockNewest: [['someone@example.com', 3]],
    consumeIfPending: [['otp-1', now]],
    incrementAttempts: [[['otp-1', 'otp-2']]],
    consumeAll: [['someone@example.com', now]],
    claimGuessNotice: [['someone@example.com', now]],
    deleteStale: [[now]],
  },
  authFailures: {
    record: [
      [{ email: 'someone@example.com', ip: '203.0.113.7', at: now }],
      [{ email: null, ip: '203.0.113.7', at: now }],
    ],
    countSince: [
      [{ email: 'someone@example.com' }, now],
      [{ ip: '203.0.113.7' }, now],
      [{ email: 'someone@example.com', ip: '203.0.113.7' }, now],
    ],
    oldestSince: [
      [{ email: 'someone@example.com' }, now],
      [{ ip: '203.0.113.7' }, now],
    ],
    clearForEmail: [['someone@example.com']],
    deleteBefore: [[now]],
  },
  sessions: {
    create: [
      [
        {
          id: 'session-1',
          userId: 'user-1',
          ip: '203.0.113.7',
          userAgent: 'agent',
          deviceFingerprint: 'fp',
          createdAt: now,
          lastUsedAt: now,
          expiresAt: later,
          absoluteExpiresAt: later,
        },
      ],
    ],
    findById: [['session-1']],
    lockById: [['session-1']],
    touch: [['session-1', now, later]],
    revoke: [['session-1', now, 'logout']],
    revokeAllForUser: [['user-1', now, 'admin']],
    listActiveForUser: [
      ['user-1', now, { limit: 20 }],
      ['user-1', now, { limit: 20, after: { createdAt: now, id: 'session-1' } }],
    ],
    count: [[{}], [{ activeAt: now }]],
    deleteExpired: [[now]],
  },
  refreshTokens: {
    insert: [
      [{ tokenHash: 'child', sessionId: 'session-1', parentHash: 'parent', createdAt: now, rotatedAt: null }],
    ],
    findByHash: [['token-hash']],
    lockByHash: [['token-hash']],
    findChild: [['parent']],
    markRotated: [['token-hash', now]],
  },
  knownDevices: { remember: [['user-1', 'ab'.repeat(16), now]], forgetBefore: [[now]] },
  sessionLinks: { claim: [['link-1', later]], deleteExpired: [[now]] },
  suppressions: {
    add: [[{ email: 'someone@example.com', reason: 'bounce', source: 'sendgrid', createdAt: now }]],
    remove: [['someone@example.com']],
    find: [['someone@example.com']],
    list: [[{ limit: 20 }], [{ limit: 20, before: { createdAt: now, email: 'someone@example.com' } }]],
  },
  emailMessages: {
    create: [[{ ...message, createdAt: now }]],
    findById: [['message-1']],
    findByProviderMessageId: [['sendgrid', 'pm-1']],
    deleteForEmail: [['someone@example.com']],
    advanceStatus: [['message-1', 'delivered', ['queued', 'sent'], now]],
    listRecentForEmail: [['someone@example.com', 10]],
    deleteBefore: [[now]],
  },
  emailEvents: {
    recordOnce: [
      [
        {
          provider: 'sendgrid',
          providerEventId: 'ev-1',
          messageId: 'message-1',
          type: 'bounce',
          occurredAt: now,
        },
      ],
    ],
    listForMessages: [[['message-1', 'message-2']]],
    deleteBefore: [[now]],
  },
  webhookTokens: {
    claim: [[{ provider: 'mailgun', tokenHash: 'ab'.repeat(32), expiresAt: later }, now]],
    release: [['mailgun', 'ab'.repeat(32)]],
    deleteExpired: [[now]],
  },
  mfa: mfaCalls,
  ipRules: {
    list: [[]],
    create: [[{ cidr: '203.0.113.0/24', action: 'deny', note: 'abuse', createdAt: now }]],
    delete: [['rule-1']],
  },
  adminAudit: {
    record: [[{ id: 'e-1', at: now, action: 'admin.user.deleted', outcome: 'success', details: {} }]],
    list: [
      [{ limit: 2 }],
      [{ limit: 2, action: 'a' }],
      [{ limit: 2, before: { at: now, id: 'e-1' } }],
      [{ limit: 2, before: { at: now, id: 'e-1' }, action: 'a' }],
    ],
    deleteBefore: [[now]],
  },
};

/** Before the recorder's documents expire: its code is live, its session current. */
const beforeExpiry = new Date('2029-12-31T23:00:00Z');

/** An input for each login rule of the MongoDB store (src/modules/auth/repositories/mongo/login-rules.ts). */
export const loginRuleCalls: {
  [K in 'admitCodeRequest' | 'countVerifyAttempt' | 'signIn' | 'rotateRefreshToken']: Parameters<
    AuthStore[K]
  >[0];
} = {
  admitCodeRequest: {
    email: 'someone@example.com',
    emailDomain: 'example.com',
    requestIp: '203.0.113.7',
    now: later,
    expiresAt: later,
    cooldownSeconds: 60,
    maxPerIpPerHour: 20,
    maxPerEmailPerHour: 5,
    maxPerDomainPerHour: 500,
  },
  countVerifyAttempt: {
    email: 'someone@example.com',
    ip: '203.0.113.7',
    now: beforeExpiry,
    activeCodes: 3,
    maxAttempts: 5,
    maxFailedPerIpPerHour: 50,
    maxFailedPerEmailPerHour: 10,
  },
  signIn: {
    email: 'someone@example.com',
    otpId: 'otp-1',
    now,
    mayCreateUser: false,
    session: {
      id: 'session-1',
      ip: '203.0.113.7',
      userAgent: 'agent',
      deviceFingerprint: 'fp',
      createdAt: now,
      lastUsedAt: now,
      expiresAt: later,
      absoluteExpiresAt: later,
    },
    refreshTokenHash: 'token-hash',
  },
  rotateRefreshToken: {
    tokenHash: 'token-hash',
    successorHash: 'child',
    now: beforeExpiry,
    idleExpiresAt: later,
    graceSeconds: 10,
  },
};

/** Every (repository, method, args) triple, flattened for `it.each`. */
export function allRepositoryCalls(): Array<[keyof MongoRepositories, string, unknown[]]> {
  const out: Array<[keyof MongoRepositories, string, unknown[]]> = [];
  for (const [repo, methods] of Object.entries(repositoryCalls) as Array<
    [keyof MongoRepositories, Record<string, unknown[][]>]
  >) {
    for (const [method, variants] of Object.entries(methods)) {
      for (const args of variants) out.push([repo, method, args]);
    }
  }
  return out;
}
