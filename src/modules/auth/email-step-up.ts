import { AppError } from '../../platform/errors/app-error';
import type { MfaDeps } from './mfa.service';
import type { ClientContext } from './session.service';
import { rateLimited, verifyAttempt } from './sign-in.use-case';

/**
 * An email step-up code is held to sign-in's rules (docs/architecture.md, ADR-2): the guess is
 * counted (`countVerifyAttempt`: attempts on the live codes, the address's and IP's failure
 * budgets) before it is compared, in constant time per candidate; the matched code is then
 * consumed, so it works once. Only the session changes: no new session is started. `email` is
 * the user's own address (step-up) or the address they are moving to (email change).
 */
export async function checkEmailStepUpCode(
  deps: Pick<MfaDeps, 'store' | 'policy' | 'hasher' | 'clock' | 'metrics'>,
  email: string,
  code: string,
  ctx: ClientContext,
): Promise<void> {
  const { store, policy, hasher, metrics } = deps;
  const now = deps.clock.now();
  const counted = await store.countVerifyAttempt(verifyAttempt(email, ctx, now, policy));
  if (counted.kind === 'locked') {
    metrics.mfaVerifications.inc({ method: 'email', result: 'rate_limited' });
    throw rateLimited(counted.retryAfterSeconds, 'Too many wrong codes; try again later');
  }
  let matchedId: string | undefined;
  for (const c of counted.candidates) {
    if (hasher.matches(c.codeHash, c.id, email, code)) matchedId = c.id;
  }
  if (matchedId === undefined || !(await store.mfa.consumeCode(matchedId, now))) {
    metrics.mfaVerifications.inc({ method: 'email', result: 'invalid_code' });
    throw new AppError('invalid_code');
  }
}
