import Joi from 'joi';
import { cookieTokenResponse, tokenResponse } from './auth.responses';

/** Request and response bodies of the second-factor routes (each `.id()` an OpenAPI component). */
const totpCode = Joi.string()
  .pattern(/^\d{6}$/)
  .messages({ 'string.pattern.base': 'must be 6 digits', 'string.base': 'must be a string' });
const recoveryCode = Joi.string()
  .max(64)
  .pattern(/^[A-Za-z2-7\s-]+$/)
  .messages({ 'string.pattern.base': 'must be a recovery code', 'string.base': 'must be a string' });

export const totpConfirmSchema = Joi.object({ code: totpCode.required() }).id('TotpConfirm');

export const stepUpSchema = (codeLength: number) =>
  Joi.object({
    totpCode,
    recoveryCode,
    emailCode: Joi.string()
      .pattern(new RegExp(`^\\d{${codeLength}}$`))
      .messages({ 'string.pattern.base': `must be ${codeLength} digits`, 'string.base': 'must be a string' }),
  })
    .xor('totpCode', 'recoveryCode', 'emailCode')
    .id('StepUp');

const recoveryCodes = Joi.array().items(Joi.string()).length(10).required();

export const totpEnrolmentResponse = Joi.object({
  factorId: Joi.string().guid().required(),
  secret: Joi.string().description('Base32; shown once, at enrolment only').required(),
  otpauthUri: Joi.string().required(),
  qrSvg: Joi.string().description('The otpauth URI as a QR code (SVG)').required(),
}).id('TotpEnrolment');

export const totpConfirmedResponse = Joi.alternatives().try(
  tokenResponse.keys({ recoveryCodes }).id('TotpConfirmed'),
  cookieTokenResponse.keys({ recoveryCodes }).id('TotpConfirmedCookie'),
);

export const recoveryCodesResponse = Joi.object({ recoveryCodes }).id('RecoveryCodes');
