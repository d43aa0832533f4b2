import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import type { Metrics } from '../../platform/metrics';
import type { AuthStore } from './auth.ports';
import { hashMagicToken, MAGIC_TOKEN_PATTERN } from './magic-link';
import type { ClientContext, IssuedTokens } from './session.service';
import type { SignInUseCase } from './sign-in.use-case';

/**
 * The sign-in link of the code email (docs/security.md, "Sign-in links"). The link is bound to
 * its code's row: it works while that row is pending and unexpired, and signing in with it is
 * the code's own sign-in (`SignInUseCase.complete` with the row as the matched code), which
 * consumes every pending code of the address in one atomic step. So the link and the code
 * consume each other, and of racing uses exactly one signs in. The guessing limits of codes
 * (attempts, failure budgets, the global ceiling) do not apply: a 128-bit token is not guessed.
 */
export class MagicLinkSignIn {
  constructor(
    private readonly deps: {
      store: Pick<AuthStore, 'otps'>;
      signIn: SignInUseCase;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
    },
  ) {}

  /**
   * GET and HEAD: the address the link would sign in now, or undefined. A read: nothing is
   * consumed or counted. The page names the address, so nobody is signed in to an account
   * they do not recognise (someone else's link sent to them).
   */
  async peek(token: string): Promise<{ email: string } | undefined> {
    const row = await this.find(token, this.deps.clock.now());
    return row && { email: row.email };
  }

  /** POST: signs in and consumes the link and its code; undefined for an unknown, used or expired link. */
  async signIn(token: string, ctx: ClientContext): Promise<IssuedTokens | undefined> {
    const now = this.deps.clock.now();
    const row = await this.find(token, now);
    const tokens = row && (await this.deps.signIn.complete(row.email, row.id, ctx, now, 'link'));
    this.deps.metrics.magicLinks.inc({ result: tokens ? 'signed_in' : 'invalid' });
    if (!tokens) {
      this.deps.logger.info('sign-in link refused: unknown, used or expired', {
        event: 'otp.magic_link.refused',
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
    }
    return tokens;
  }

  /** A POST from another site's page (login CSRF): refused before the link is even looked up. */
  refusedCrossSite(ctx: ClientContext): void {
    this.deps.metrics.magicLinks.inc({ result: 'cross_site' });
    this.deps.logger.warn('sign-in link refused: posted from another site', {
      event: 'otp.magic_link.cross_site',
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
  }

  private async find(token: string, now: Date) {
    if (!MAGIC_TOKEN_PATTERN.test(token)) return undefined;
    return this.deps.store.otps.findByLinkHash(hashMagicToken(token), now);
  }
}
