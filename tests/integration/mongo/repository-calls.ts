import type { Repositories } from '../../../src/store/store';

/**
 * Valid arguments for every method of every repository port, one list per distinct way the
 * method builds its query (with and without a cursor, each filter combination). The offline
 * tests run each through the Mongo repositories; a method missing here fails them, so a port
 * method added later cannot go unchecked.
 */
const now = new Date('2030-01-01T00:00:00Z');
const later = new Date('2030-01-02T00:00:00Z');

export const repositoryCalls: { [R in keyof Repositories]: Record<keyof Repositories[R], unknown[][]> } = {
  users: {
    findById: [['user-1']],
    findByEmail: [['someone@example.com']],
    upsertOnLogin: [['someone@example.com', now]],
    list: [[{ limit: 20 }], [{ limit: 20, after: { createdAt: now, id: 'user-1' } }]],
    delete: [['user-1']],
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
    setCodeHash: [['otp-1', 'hash', now]],
    latestCreatedAt: [['someone@example.com']],
    countCreatedSince: [
      [{ email: 'someone@example.com' }, now],
      [{ requestIp: '203.0.113.7' }, now],
      [{ emailDomain: 'example.com' }, now],
      [{ email: 'someone@example.com', requestIp: '203.0.113.7' }, now],
    ],
    lockNewest: [['someone@example.com', 3]],
    incrementAttempts: [[['otp-1', 'otp-2']]],
    consumeAll: [['someone@example.com', now]],
    deleteStale: [[now]],
  },
  authFailures: {
    record: [[{ email: 'someone@example.com', ip: '203.0.113.7', at: now }]],
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
    lockByHash: [['token-hash']],
    findChild: [['parent']],
    markRotated: [['token-hash', now]],
  },
  suppressions: {
    add: [[{ email: 'someone@example.com', reason: 'bounce', source: 'sendgrid', createdAt: now }]],
    remove: [['someone@example.com']],
    find: [['someone@example.com']],
    list: [[{ limit: 20 }], [{ limit: 20, before: { createdAt: now, email: 'someone@example.com' } }]],
  },
  emailMessages: {
    create: [
      [
        {
          otpId: 'otp-1',
          email: 'someone@example.com',
          provider: 'sendgrid',
          providerMessageId: 'pm-1',
          status: 'sent',
          createdAt: now,
        },
      ],
    ],
    findById: [['message-1']],
    findByProviderMessageId: [['sendgrid', 'pm-1']],
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
  ipRules: {
    list: [[]],
    create: [[{ cidr: '203.0.113.0/24', action: 'deny', note: 'abuse', createdAt: now }]],
    delete: [['rule-1']],
  },
};

/** Every (repository, method, args) triple, flattened for `it.each`. */
export function allRepositoryCalls(): Array<[keyof Repositories, string, unknown[]]> {
  const out: Array<[keyof Repositories, string, unknown[]]> = [];
  for (const [repo, methods] of Object.entries(repositoryCalls) as Array<
    [keyof Repositories, Record<string, unknown[][]>]
  >) {
    for (const [method, variants] of Object.entries(methods)) {
      for (const args of variants) out.push([repo, method, args]);
    }
  }
  return out;
}
