import { v4 as uuidv4 } from 'uuid';
import type {
  AuthStore,
  CodeRequestInput,
  CodeRequestOutcome,
  RotationInput,
  RotationOutcome,
  SignInInput,
  SignInOutcome,
  VerifyAttemptInput,
  VerifyAttemptOutcome,
} from '../../auth.ports';
import type { Queryable } from '../../../../platform/sql/sql-client';
import { toSession, type SessionRow } from './session.repository';
import { toUser, type UserRow } from './user.repository';

/**
 * The login rules on PostgreSQL and PGlite: each is one call of a PL/pgSQL function
 * (src/store/sql/migrations.ts), so one round trip, atomic under the address's advisory lock
 * or the rows' locks, and with no BEGIN/COMMIT of ours. A live code is defined once here, in
 * otp_count_verify_attempt (migration 7); otp_sign_in re-checks only that the matched code is
 * still pending. The MongoDB implementation of the same rules is
 * src/modules/auth/repositories/mongo/login-rules.ts; the suites
 * tests/contract/{admit-code-request,count-verify-attempt,sign-in,rotate-refresh-token}.suite.ts
 * hold both to the same cases.
 */
export function createSqlLoginRules(
  db: Queryable,
): Pick<AuthStore, 'admitCodeRequest' | 'countVerifyAttempt' | 'signIn' | 'rotateRefreshToken'> {
  return {
    admitCodeRequest: (input) => admitCodeRequest(db, input),
    countVerifyAttempt: (input) => countVerifyAttempt(db, input),
    signIn: (input) => signIn(db, input),
    rotateRefreshToken: (input) => rotateRefreshToken(db, input),
  };
}

/**
 * One call of otp_admit_request (migration 7; it was migration 4's). The same statement reads the suppression list
 * for an admitted address (an EXISTS beside the call, no migration needed).
 */
async function admitCodeRequest(db: Queryable, input: CodeRequestInput): Promise<CodeRequestOutcome> {
  const id = uuidv4();
  const [row] = await db.query<{
    outcome: CodeRequestOutcome['kind'];
    retry_after_ms: number | null;
    suppressed: boolean | null;
  }>(
    `SELECT a.outcome, a.retry_after_ms,
            a.outcome = 'created' AND EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = $2) AS suppressed
       FROM otp_admit_request($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) a`,
    [
      id,
      input.email,
      input.emailDomain,
      input.requestIp,
      input.now,
      input.expiresAt,
      input.cooldownSeconds,
      input.maxPerIpPerHour,
      input.maxPerEmailPerHour,
      input.maxPerDomainPerHour,
    ],
  );
  switch (row.outcome) {
    case 'cooldown':
      return { kind: 'cooldown', retryAfterSeconds: Number(row.retry_after_ms) / 1000 };
    case 'created':
      return { kind: 'created', otpId: id, suppressed: row.suppressed === true };
    default:
      return { kind: row.outcome };
  }
}

/** One call of otp_count_verify_attempt (migration 7; it was migration 5's). */
async function countVerifyAttempt(db: Queryable, input: VerifyAttemptInput): Promise<VerifyAttemptOutcome> {
  const rows = await db.query<{
    outcome: 'locked' | 'counted';
    retry_after_ms: number | null;
    otp_id: string;
    code_hash: string;
    owner_notice: boolean;
    created_at: Date | null;
  }>(
    // The code's request time (for otp_request_to_verify_seconds), one primary-key lookup per
    // candidate: a subquery, not a join, which the planner could turn into a scan of all codes.
    `SELECT f.outcome, f.retry_after_ms, f.otp_id, f.code_hash, f.owner_notice,
            (SELECT o.created_at FROM otps o WHERE o.id = f.otp_id) AS created_at
       FROM otp_count_verify_attempt($1, $2, $3, $4, $5, $6, $7) f`,
    [
      input.email,
      input.ip,
      input.now,
      input.activeCodes,
      input.maxAttempts,
      input.maxFailedPerIpPerHour,
      input.maxFailedPerEmailPerHour,
    ],
  );
  if (rows[0]?.outcome === 'locked') {
    return { kind: 'locked', retryAfterSeconds: Number(rows[0].retry_after_ms) / 1000 };
  }
  return {
    kind: 'counted',
    candidates: rows.map((r) => ({
      id: r.otp_id,
      codeHash: r.code_hash,
      ...(r.created_at ? { createdAt: new Date(r.created_at) } : {}),
    })),
    ownerNotice: rows[0]?.owner_notice === true,
  };
}

/** One call of otp_sign_in (migration 6); the session is the input's, so nothing is read back. */
async function signIn(db: Queryable, input: SignInInput): Promise<SignInOutcome> {
  const s = input.session;
  const [row] = await db.query<{ outcome: SignInOutcome['kind']; user_row: UserRow | null }>(
    'SELECT outcome, user_row FROM otp_sign_in($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)',
    [
      input.email,
      input.otpId,
      input.now,
      input.mayCreateUser,
      uuidv4(),
      s.id,
      s.ip,
      s.userAgent,
      s.deviceFingerprint,
      s.createdAt,
      s.expiresAt,
      s.absoluteExpiresAt,
      input.refreshTokenHash,
    ],
  );
  if (row.outcome !== 'signed_in' || !row.user_row) {
    return { kind: row.outcome === 'signup_closed' ? 'signup_closed' : 'code_used' };
  }
  const user = toUser(row.user_row);
  return {
    kind: 'signed_in',
    user,
    session: {
      ...s,
      userId: user.id,
      revokedAt: null,
      revokedReason: null,
      aal: 'aal1',
      authenticatedAt: null,
    },
  };
}

/** One call of refresh_token_rotate (migration 6). */
async function rotateRefreshToken(db: Queryable, input: RotationInput): Promise<RotationOutcome> {
  const [row] = await db.query<{
    outcome: RotationOutcome['kind'];
    session_row: SessionRow | null;
    user_row: UserRow | null;
  }>('SELECT outcome, session_row, user_row FROM refresh_token_rotate($1, $2, $3, $4, $5)', [
    input.tokenHash,
    input.successorHash,
    input.now,
    input.idleExpiresAt,
    input.graceSeconds,
  ]);
  switch (row.outcome) {
    case 'ok':
      return { kind: 'ok', session: toSession(row.session_row!), user: toUser(row.user_row!) };
    case 'reused':
      return { kind: 'reused', sessionId: row.session_row!.id, userId: row.session_row!.user_id };
    case 'expired':
      return { kind: 'expired' };
    default:
      return { kind: 'invalid' };
  }
}
