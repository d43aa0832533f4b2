import type { MfaRepository } from './mfa.ports';
import { TOTP_PERIOD_SECONDS } from './totp';

/**
 * What an administrator may see of a user's second factor: its state and times, and how many
 * recovery codes are left. An allow-list: never the secret (sealed or not), a hash or a step.
 */
export interface FactorSummary {
  totp: {
    /** `pending`: enrolled, not yet confirmed with a first code. */
    status: 'pending' | 'active';
    createdAt: Date;
    confirmedAt: Date | null;
    /** The start of the 30-second step of the last code accepted (confirmation or step-up). */
    lastUsedAt: Date | null;
  } | null;
  recoveryCodes: { remaining: number };
}

export async function factorSummary(
  mfa: Pick<MfaRepository, 'findFactor' | 'countUnusedRecoveryCodes'>,
  userId: string,
): Promise<FactorSummary> {
  const [factor, remaining] = await Promise.all([
    mfa.findFactor(userId),
    mfa.countUnusedRecoveryCodes(userId),
  ]);
  return {
    totp: factor
      ? {
          status: factor.status === 'active' ? 'active' : 'pending',
          createdAt: factor.createdAt,
          confirmedAt: factor.confirmedAt,
          lastUsedAt:
            factor.lastUsedStep === null ? null : new Date(factor.lastUsedStep * TOTP_PERIOD_SECONDS * 1000),
        }
      : null,
    recoveryCodes: { remaining },
  };
}

/** The summary as JSON (the admin user detail's `factors`). */
export const factorSummaryView = (f: FactorSummary) => ({
  totp: f.totp && {
    status: f.totp.status,
    createdAt: f.totp.createdAt.toISOString(),
    confirmedAt: f.totp.confirmedAt?.toISOString() ?? null,
    lastUsedAt: f.totp.lastUsedAt?.toISOString() ?? null,
  },
  recoveryCodes: { remaining: f.recoveryCodes.remaining },
});
