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

export const tokenResponse = Joi.object({
  accessToken: Joi.string().required(),
  tokenType: Joi.string().valid('Bearer').required(),
  expiresIn: Joi.number().integer().required(),
  refreshToken: Joi.string().min(43).required(),
  user: userResponse.required(),
  session: sessionResponse.required(),
}).id('TokenResponse');

export const otpAcceptedResponse = Joi.object({
  status: Joi.string().valid('accepted').required(),
  message: Joi.string().required(),
}).id('OtpAccepted');
