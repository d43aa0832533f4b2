import type { MfaRepository } from '../../../src/modules/auth/mfa.ports';

const now = new Date('2030-01-01T00:00:00Z');

/** The MFA repository's calls for repository-calls.ts (one list per distinct query shape). */
export const mfaCalls: Record<keyof MfaRepository, unknown[][]> = {
  findFactor: [['user-1']],
  enrol: [[{ id: 'factor-1', userId: 'user-1', secretEncrypted: 'v1.x', createdAt: now }]],
  useStep: [
    ['factor-1', 100, {}],
    ['factor-1', 100, { activateAt: now, secretEncrypted: 'v1.y' }],
  ],
  deleteFactor: [['user-1']],
  replaceRecoveryCodes: [['user-1', ['ab'.repeat(32)], now]],
  useRecoveryCode: [['user-1', 'ab'.repeat(32), now]],
  countUnusedRecoveryCodes: [['user-1']],
  elevateSession: [
    ['session-1', 'aal2', now],
    ['session-1', 'aal1', now],
  ],
  consumeCode: [['otp-1', now]],
};
