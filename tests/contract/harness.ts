import type { Session, User } from '../../src/modules/auth/auth.ports';
import type { Store } from '../../src/store/store';
import { newSession, now, uniqueEmail } from './fixtures';

/** What a store offers beyond the ports every adapter implements. */
export interface Capabilities {
  /**
   * The repositories also have the steps only MongoDB's login rules take (lockEmail,
   * lockNewest, …: in no port); mongo-only-steps.suite.ts runs only then.
   */
  mongoOnlySteps: boolean;
}

export interface ContractContext {
  /** `it`, handed the adapter's store (opened and migrated once for the whole file). */
  test(title: string, fn: (s: Store) => Promise<void>): void;
  capabilities: Capabilities;
}

/** One port's (or one store-level rule's) part of the contract. */
export type ContractSuite = (ctx: ContractContext) => void;

/** A user of its own, for tests about other tables. */
export const aUser = (s: Store): Promise<User> => s.users.upsertOnLogin(uniqueEmail('owner'), now());
export const aSession = async (s: Store): Promise<Session> =>
  s.sessions.create(newSession((await aUser(s)).id));
