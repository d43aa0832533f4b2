import Joi from 'joi';

/**
 * The login module's response bodies, for the OpenAPI document (each `.id()` a component);
 * auth.views.ts builds them, and the component tests hold every answer to the document.
 */
const dateTime = Joi.date().iso();

export const userResponse = Joi.object({
  id: Joi.string().guid().required(),
  email: Joi.string().required(),
  createdAt: dateTime.required(),
  lastLoginAt: dateTime.allow(null).required(),
}).id('User');

const sessionResponse = Joi.object({
  id: Joi.string().guid().required(),
  createdAt: dateTime.required(),
  lastUsedAt: dateTime.required(),
  expiresAt: dateTime.required(),
  absoluteExpiresAt: dateTime.required(),
  ip: Joi.string().allow(null).required(),
  userAgent: Joi.string().allow(null).required(),
  device: Joi.object({
    browser: Joi.string().allow(null).required(),
    os: Joi.string().allow(null).required(),
    type: Joi.string().required(),
  })
    .required()
    .description('Parsed from the user agent; null parts were not recognised'),
  current: Joi.boolean(),
}).id('Session');

export const sessionPageResponse = Joi.object({
  data: Joi.array().items(sessionResponse).required(),
  nextCursor: Joi.string().allow(null).required(),
}).id('SessionPage');

const accessPart = {
  accessToken: Joi.string().required(),
  tokenType: Joi.string().valid('Bearer').required(),
  expiresIn: Joi.number().integer().required(),
  user: userResponse.required(),
  session: sessionResponse.required(),
};

export const tokenResponse = Joi.object({
  ...accessPart,
  refreshToken: Joi.string().min(43).required(),
}).id('TokenResponse');

/** Cookie mode: the refresh token is in the __Host-refresh cookie, never here. */
export const cookieTokenResponse = Joi.object({
  ...accessPart,
  csrfToken: Joi.string()
    .min(43)
    .required()
    .description('Also in the __Host-csrf cookie: send it back as X-CSRF-Token'),
}).id('CookieTokenResponse');

/** A token pair in the mode the request asked for (X-Auth-Mode). */
export const tokenAnswer = Joi.alternatives().try(tokenResponse, cookieTokenResponse);

/** The response headers of an answer that sets the cookie pair. */
export const cookieHeaders = {
  'Set-Cookie':
    'Cookie mode only: __Host-refresh (HttpOnly) and __Host-csrf, both Secure, SameSite=Strict, Path=/, Max-Age the time the session may still be refreshed',
};

export const otpAcceptedResponse = Joi.object({
  status: Joi.string().valid('accepted').required(),
  message: Joi.string().required(),
}).id('OtpAccepted');
