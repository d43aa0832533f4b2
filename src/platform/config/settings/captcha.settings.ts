import Joi from 'joi';
import { oneOf, text } from '../setting';

/** The optional CAPTCHA on POST /v1/otp/request (docs/security.md, "The edges"). */
export const captchaSettings = {
  CAPTCHA_PROVIDER: text(
    'captcha.provider',
    oneOf('', 'turnstile', 'hcaptcha')
      .default('')
      .description(
        'CAPTCHA on POST /v1/otp/request: turnstile or hcaptcha (empty: off). On, a body without a captchaToken the provider accepts gets 403 captcha_failed',
      ),
  ),
  CAPTCHA_SECRET: text(
    'captcha.secret',
    Joi.string()
      .allow('')
      .description("The provider's secret key for siteverify; required when CAPTCHA_PROVIDER is set"),
  ),
  CAPTCHA_VERIFY_URL: text(
    'captcha.verifyUrl',
    Joi.string()
      .uri({ scheme: ['http', 'https'] })
      .allow('')
      .description("Overrides the provider's siteverify endpoint (a proxy, or a stand-in in tests)"),
  ),
};
