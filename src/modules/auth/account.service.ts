import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import { maskEmail } from '../../platform/email-address';
import { AppError } from '../../platform/errors/app-error';
import type { MailQueue } from '../email';
import { resolveLocale } from '../email';
import type { AuthStore, User } from './auth.ports';
import type { AuthContext } from './authenticate';
import { checkEmailStepUpCode } from './email-step-up';
import type { MfaDeps, MfaService } from './mfa.service';
import type { OtpService } from './otp.service';
import type { ClientContext } from './session.service';

export interface AccountDeps extends Pick<MfaDeps, 'policy' | 'hasher' | 'metrics'> {
  store: AuthStore;
  mfa: Pick<MfaService, 'requireStepUp'>;
  otp: Pick<OtpService, 'request'>;
  queue: MailQueue;
  clock: Clock;
  logger: Logger;
  /** Drops every cached entry of the user (Redis), not only marks them stale. */
  forgetCached(userId: string): Promise<void>;
  /** Marks the user's cached state stale (the user object changed). */
  onUserChanged(userId: string): Promise<void>;
  /** Forgets the delivery history of an address (the email module's messages and events). */
  forgetDeliveries(email: string): Promise<void>;
}

/** The address-changed notice is dropped rather than sent more than a day late. */
const NOTICE_LIFETIME_MS = 86_400_000;

/**
 * A signed-in user's own account (docs/api.md, "Account self-service"): erasure and a change
 * of address, each behind a recent step-up.
 */
export class AccountService {
  constructor(private readonly deps: AccountDeps) {}

  /** Erases the account after a recent step-up (`erase`). */
  async deleteMe(auth: AuthContext, ctx: Pick<ClientContext, 'requestId'>): Promise<void> {
    await this.deps.mfa.requireStepUp(auth);
    if (!(await this.erase(auth.userId))) throw new AppError('invalid_token');
    this.deps.logger.info('account deleted by its user', {
      event: 'account.deleted',
      userId: auth.userId,
      requestId: ctx.requestId,
    });
  }

  /**
   * Erases a user (their own request, or an admin's): the user, sessions, factors, devices,
   * codes and failures in one store operation, then the address's delivery history and every
   * cached entry of the user. False when there was no such user.
   */
  async erase(userId: string): Promise<boolean> {
    const user = await this.deps.store.users.findById(userId);
    if (!user || !(await this.deps.store.users.delete(user.id))) return false;
    await this.deps.forgetDeliveries(user.email);
    await this.deps.forgetCached(user.id);
    return true;
  }

  /**
   * Sends a code to the new address, by the sign-in code path (its limits, its answer). Whether
   * the address belongs to another account is not looked at here: that is told only to whoever
   * proves they read the new address (`confirmEmailChange`).
   */
  async requestEmailChange(auth: AuthContext, email: string, ctx: ClientContext): Promise<void> {
    await this.deps.mfa.requireStepUp(auth);
    const user = await this.user(auth);
    if (user.email === email)
      throw new AppError('invalid_request', { detail: 'This is already the address of the account' });
    await this.deps.otp.request(email, { ...ctx, locale: resolveLocale(undefined, ctx.acceptLanguage) });
  }

  /** Moves the account to `email` once its code is proven; the old address is told. */
  async confirmEmailChange(
    auth: AuthContext,
    email: string,
    code: string,
    ctx: ClientContext,
  ): Promise<User> {
    await this.deps.mfa.requireStepUp(auth);
    const user = await this.user(auth);
    await checkEmailStepUpCode(this.deps, email, code, ctx);
    const outcome = await this.deps.store.users.changeEmail(user.id, email);
    if (outcome === 'taken')
      throw new AppError('conflict', { detail: 'This address belongs to another account' });
    if (outcome === 'not_found') throw new AppError('invalid_token');
    await this.deps.onUserChanged(user.id);
    const now = this.deps.clock.now();
    await this.deps.queue.enqueue({
      kind: 'email_changed',
      noticeId: randomUUID(),
      email: user.email,
      expiresAt: new Date(now.getTime() + NOTICE_LIFETIME_MS).toISOString(),
      locale: resolveLocale(undefined, ctx.acceptLanguage),
      newAddressMasked: maskEmail(email),
      requestId: ctx.requestId,
    });
    this.deps.logger.info('account address changed', {
      event: 'account.email_changed',
      userId: user.id,
      requestId: ctx.requestId,
    });
    return { ...user, email };
  }

  private async user(auth: AuthContext): Promise<User> {
    const user = await this.deps.store.users.findById(auth.userId);
    if (!user) throw new AppError('invalid_token');
    return user;
  }
}
