/** The words for a failure, from the problem's `code` (status 0: the service was not reached). */
import { fill, strings } from './dom.js';

/** True when the failure means there is no live session (the page then asks for the email). */
export const isSignedOut = (error) => error?.status === 401 && error.code !== 'invalid_code';

/** `invalid` is the words for a 400 invalid_request: what the user typed was not accepted. */
export function errorMessage(error, invalid = strings.errors.generic) {
  const e = strings.errors;
  if (!error?.status) return e.network;
  if (error.code === 'invalid_code') return e.invalidCode;
  if (error.code === 'rate_limited') return fill(e.rateLimited, { seconds: error.retryAfter ?? 60 });
  if (error.code === 'captcha_failed') return e.captcha;
  if (error.code === 'invalid_request') return invalid;
  if (isSignedOut(error)) return e.sessionEnded;
  return e.generic;
}
