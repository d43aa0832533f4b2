import type { Store } from '../../src/store/store';
import { describeWith } from '../helpers/services';
import type { StoreAdapter } from './adapters';
import type { ContractSuite } from './harness';
import { adminAuditSuite } from './admin-audit.suite';
import { admitCodeRequestSuite } from './admit-code-request.suite';
import { authFailuresSuite } from './auth-failures.suite';
import { countVerifyAttemptSuite } from './count-verify-attempt.suite';
import { emailEventsSuite } from './email-events.suite';
import { emailMessagesSuite } from './email-messages.suite';
import { ipRulesSuite } from './ip-rules.suite';
import { knownDevicesSuite } from './known-devices.suite';
import { mfaSuite } from './mfa.suite';
import { otpsSuite } from './otps.suite';
import { otpLinksSuite } from './otp-links.suite';
import { refreshTokensSuite } from './refresh-tokens.suite';
import { rotateRefreshTokenSuite } from './rotate-refresh-token.suite';
import { mongoOnlyStepsSuite } from './mongo-only-steps.suite';
import { sessionsSuite } from './sessions.suite';
import { signInSuite } from './sign-in.suite';
import { storeSuite } from './store.suite';
import { suppressionsSuite } from './suppressions.suite';
import { transactionSuite } from './transaction.suite';
import { usersSuite } from './users.suite';
import { webhookTokensSuite } from './webhook-tokens.suite';

/**
 * The repository contract: every method of the ports in src/store/ports.ts and of the Store
 * itself, one suite per port, written against the Store interface only, so each storage
 * adapter runs the very same tests (after better-auth's adapter test suites).
 */
export const SUITES: ContractSuite[] = [
  storeSuite,
  usersSuite,
  otpsSuite,
  otpLinksSuite,
  authFailuresSuite,
  sessionsSuite,
  refreshTokensSuite,
  rotateRefreshTokenSuite,
  admitCodeRequestSuite,
  countVerifyAttemptSuite,
  signInSuite,
  mongoOnlyStepsSuite,
  ipRulesSuite,
  suppressionsSuite,
  emailMessagesSuite,
  emailEventsSuite,
  webhookTokensSuite,
  knownDevicesSuite,
  adminAuditSuite,
  mfaSuite,
  transactionSuite,
];

/** Registers the whole contract against one adapter: one store, opened and migrated once. */
export function runContract(adapter: StoreAdapter): void {
  describeWith(adapter.needs ?? [], `repository contract: ${adapter.label}`, () => {
    adapter.hooks?.();
    let store: Store | undefined;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, cleanup } = await adapter.open());
      await store.migrate();
    });
    afterAll(async () => {
      await cleanup?.();
    });

    const test = (title: string, fn: (s: Store) => Promise<void>) =>
      it(title, async () => {
        if (!store) throw new Error('the store was not created');
        await fn(store);
      });

    for (const suite of SUITES) suite({ test, capabilities: adapter.capabilities });
  });
}
