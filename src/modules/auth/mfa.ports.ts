/** The second factor's records and repository (TOTP factors, recovery codes, session levels). */

export type Aal = 'aal1' | 'aal2';

export interface TotpFactor {
  id: string;
  userId: string;
  /** AES-256-GCM ciphertext (totp.ts); the secret in clear is never stored or logged. */
  secretEncrypted: string;
  status: 'unconfirmed' | 'active';
  lastUsedStep: number | null;
  createdAt: Date;
  confirmedAt: Date | null;
}

export interface MfaRepository {
  /** The user's one factor (unconfirmed or active), if any. */
  findFactor(userId: string): Promise<TotpFactor | undefined>;
  /** Replaces an unconfirmed factor with a new one; undefined when an active one exists. */
  enrol(factor: Omit<TotpFactor, 'lastUsedStep' | 'confirmedAt' | 'status'>): Promise<TotpFactor | undefined>;
  /**
   * Spends a TOTP step, atomically: true only if `step` is later than the last one used (a
   * step is never accepted twice). `activateAt` also activates an unconfirmed factor;
   * `secretEncrypted` re-encrypts the secret under the current key.
   */
  useStep(
    factorId: string,
    step: number,
    options: { activateAt?: Date; secretEncrypted?: string },
  ): Promise<boolean>;
  deleteFactor(userId: string): Promise<boolean>;
  /** Replaces every recovery code of the user with these hashes. */
  replaceRecoveryCodes(userId: string, hashes: string[], now: Date): Promise<void>;
  /** Marks an unused code used, atomically: true once per code. */
  useRecoveryCode(userId: string, hash: string, now: Date): Promise<boolean>;
  /** How many of the user's recovery codes are still unused (the admin view; never the hashes). */
  countUnusedRecoveryCodes(userId: string): Promise<number>;
  /** Raises (or sets) a live session's level and stamps its last authentication. */
  elevateSession(sessionId: string, aal: Aal, at: Date): Promise<boolean>;
  /** Consumes one pending email code (the step-up by email); false if it was used meanwhile. */
  consumeCode(otpId: string, now: Date): Promise<boolean>;
}
