import Joi from 'joi';
import { decodeCursor, type CursorPosition } from '../../platform/cursor';
import { normalizeEmail } from '../../platform/email-address';

/**
 * The email is validated and canonicalised in one step, so lookup and delivery use the same form.
 * Surrounding whitespace is trimmed first: users paste addresses with it (the bodies are
 * validated with convert off, so the custom step does the trimming).
 */
const email = Joi.string()
  .max(254)
  .required()
  .custom((value: string, helpers) => normalizeEmail(value.trim()) ?? helpers.error('string.email'))
  .meta({ format: 'email' })
  .messages({ 'string.email': 'must be a valid email address', 'string.base': 'must be a string' });

const locale = Joi.string()
  .max(35)
  .pattern(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/)
  .example('en')
  .example('es-MX')
  .messages({ 'string.pattern.base': 'must be a language tag such as en or es-MX' });

/** The CAPTCHA widget's answer (Turnstile's are up to 2048 characters, hCaptcha's longer). */
const captchaToken = Joi.string()
  .max(4096)
  .description('The CAPTCHA widget answer; required when the server has CAPTCHA_PROVIDER set')
  .messages({ 'string.base': 'must be a string' });

/**
 * Each `.id()` names the schema's component in the OpenAPI document. With a CAPTCHA the token
 * is required (a body without one is refused with 403 captcha_failed before it is validated);
 * without, it is accepted and ignored, so a front end can ship the widget first.
 */
export const otpRequestSchema = (options: { captcha: boolean }) =>
  Joi.object({ email, locale, captchaToken: options.captcha ? captchaToken.required() : captchaToken }).id(
    'OtpRequest',
  );

const emailCode = (codeLength: number) =>
  Joi.string()
    .required()
    .pattern(new RegExp(`^\\d{${codeLength}}$`))
    .messages({ 'string.pattern.base': `must be ${codeLength} digits`, 'string.base': 'must be a string' });

export const otpVerifySchema = (codeLength: number) =>
  Joi.object({ email, code: emailCode(codeLength) }).id('OtpVerify');

/** A change of the account's address: the new one, then the code sent to it. */
export const emailChangeSchema = Joi.object({ email }).id('EmailChange');
export const emailChangeConfirmSchema = (codeLength: number) =>
  Joi.object({ email, code: emailCode(codeLength) }).id('EmailChangeConfirm');

const refreshToken = Joi.string()
  .max(128)
  .pattern(/^[A-Za-z0-9_-]+$/)
  .messages({ 'string.pattern.base': 'is not a refresh token' });

/** Header mode sends the token here; cookie mode leaves it out and the `__Host-refresh` cookie is read. */
export const refreshSchema = Joi.object({
  refreshToken: refreshToken.description('Required unless the __Host-refresh cookie carries it'),
}).id('RefreshRequest');

/** A logout without an access token presents the session's refresh token (or its cookie). */
export const logoutSchema = Joi.object({
  refreshToken: refreshToken.description(
    'Without a Bearer token: the refresh token of the session to end (else the __Host-refresh cookie)',
  ),
}).id('LogoutRequest');

/** `X-Auth-Mode` (docs/api.md, "Cookie mode"), on every route that hands out a token pair. */
export const authModeHeaders = Joi.object({
  'X-Auth-Mode': Joi.string()
    .valid('cookie', 'header')
    .insensitive()
    .description(
      'cookie: the refresh token is set as the __Host-refresh cookie and left out of the body, which carries csrfToken instead; header (the default): in the body',
    ),
});

/** The routes a refresh cookie authenticates also take the CSRF token. */
export const cookieAuthHeaders = authModeHeaders.keys({
  'X-CSRF-Token': Joi.string()
    .max(256)
    .description('Cookie mode: the value of the __Host-csrf cookie (the csrfToken of the last answer)'),
});

export const sessionCookies = Joi.object({
  '__Host-refresh': refreshToken.description('Cookie mode: the refresh token (HttpOnly)'),
  '__Host-csrf': Joi.string().max(256).description('Cookie mode: the CSRF token, sent back as X-CSRF-Token'),
});

/** A session id as the API hands it out. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `GET /v1/sessions`: the cursor is decoded here, so the handler gets a position or nothing. */
export const sessionsQuery = Joi.object({
  limit: Joi.number().integer().min(1).max(100).default(20),
  cursor: Joi.string()
    .max(200)
    .custom(
      (raw: string, helpers) => decodeCursor(raw, (id) => UUID.test(id)) ?? helpers.error('cursor.invalid'),
    )
    .description('nextCursor of the previous page')
    .messages({ 'cursor.invalid': 'is not a cursor this API returned' }),
});

export interface SessionsQuery {
  limit: number;
  cursor?: CursorPosition;
}

/** The new-sign-in email's link: `<payload>.<signature>`, both base64url (session-link.ts). */
export const revokeLinkQuery = Joi.object({
  token: Joi.string()
    .required()
    .max(512)
    .pattern(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    .messages({ 'string.pattern.base': 'is not a link token' }),
});
