import type { RequestHandler } from 'express';
import type { Logger } from 'winston';
import type { Config } from '../../platform/config/config';
import { AppError } from '../../platform/errors/app-error';
import { canonicalIp } from '../../platform/ip-network';

type Provider = NonNullable<Config['captcha']['provider']>;

/** Each provider's documented server-side check (both take the same form and answer alike). */
export const SITEVERIFY_URLS: Record<Provider, string> = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
};

/** How long a code request waits for the provider before it is refused (503). */
export const SITEVERIFY_TIMEOUT_MS = 3_000;

interface SiteverifyAnswer {
  success?: unknown;
  'error-codes'?: unknown;
}

/**
 * The CAPTCHA on POST /v1/otp/request, before the body is validated or any code rule runs:
 * the body's `captchaToken` is posted form-encoded (`secret`, `response`, `remoteip`) to the
 * provider's siteverify, and only `success: true` lets the request through. A missing token
 * or a refusal is 403 captcha_failed. A provider that does not answer within the timeout,
 * answers an HTTP error or something that is not its JSON fails closed: 503 with Retry-After,
 * no code sent. Not 403: the client did nothing wrong and may retry, and the operator sees an
 * outage of the provider apart from bots failing the challenge. Tokens are single use, so the
 * widget must be reset after each answer either way.
 */
export function captchaCheck(deps: {
  provider: Provider;
  secret: string;
  verifyUrl?: string;
  timeoutMs?: number;
  logger: Logger;
}): RequestHandler {
  const { provider, logger } = deps;
  const url = deps.verifyUrl ?? SITEVERIFY_URLS[provider];
  const timeoutMs = deps.timeoutMs ?? SITEVERIFY_TIMEOUT_MS;
  return async (req, res, next) => {
    const requestId = res.locals.requestId;
    const token = (req.body as { captchaToken?: unknown } | undefined)?.captchaToken;
    if (typeof token !== 'string' || token === '' || token.length > 4096) {
      logger.info('captcha missing', { event: 'captcha.missing', requestId, provider });
      return next(new AppError('captcha_failed'));
    }
    const form = new URLSearchParams({ secret: deps.secret, response: token });
    // The provider compares it with the address that solved the challenge: IPv4 as IPv4.
    const ip = canonicalIp(req.ip)?.address;
    if (ip) form.set('remoteip', ip);
    let answer: SiteverifyAnswer;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: form,
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`siteverify answered ${response.status}`);
      answer = (await response.json()) as SiteverifyAnswer;
      if (typeof answer !== 'object' || answer === null) throw new Error('siteverify answered no object');
    } catch (err) {
      logger.warn('captcha provider unavailable; code request refused', {
        event: 'captcha.unavailable',
        requestId,
        provider,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
      return next(
        new AppError('service_unavailable', {
          detail: 'The CAPTCHA could not be checked; try again',
          retryAfterSeconds: 5,
        }),
      );
    }
    if (answer.success !== true) {
      const codes = Array.isArray(answer['error-codes']) ? answer['error-codes'].slice(0, 5).map(String) : [];
      logger.info('captcha refused', { event: 'captcha.refused', requestId, provider, errorCodes: codes });
      return next(new AppError('captcha_failed'));
    }
    next();
  };
}
