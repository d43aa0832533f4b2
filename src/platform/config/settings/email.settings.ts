import Joi from 'joi';
import { oneOf, text, value } from '../setting';

const httpUrl = () =>
  Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('');

/** Providers, retries, webhooks and branding of the code emails. */
export const emailSettings = {
  // Lands in `email.transport`, `auto` resolved from the keys that are set (config.derived.ts).
  EMAIL_TRANSPORT: value(
    null,
    oneOf('auto', 'console', 'smtp', 'sendgrid', 'ses', 'mailgun')
      .default('auto')
      .description(
        'auto: sendgrid if SENDGRID_API_KEY, ses if AWS_REGION+AWS_ACCESS_KEY_ID, mailgun if MAILGUN_API_KEY, smtp if SMTP_HOST, else console (development only)',
      ),
  ),
  EMAIL_FALLBACK_TRANSPORT: text(
    'email.fallbackTransport',
    oneOf('', 'smtp', 'sendgrid', 'ses', 'mailgun')
      .default('')
      .description('Second provider, used when the primary fails with a transient error (timeout, 429, 5xx)'),
  ),
  EMAIL_MAX_ATTEMPTS: value(
    'email.maxAttempts',
    Joi.number()
      .integer()
      .min(1)
      .max(20)
      .default(5)
      .description('Tries per code email (exponential backoff with jitter) before it is marked failed'),
  ),
  EMAIL_SEND_TIMEOUT_MS: value(
    'email.sendTimeoutMs',
    Joi.number()
      .integer()
      .min(100)
      .max(120_000)
      .default(10_000)
      .description('Timeout of one request to an email provider'),
  ),
  EMAIL_HISTORY_RETENTION_DAYS: value(
    'email.historyRetentionDays',
    Joi.number()
      .integer()
      .min(1)
      .max(3650)
      .default(30)
      .description(
        'Days the delivery history (messages, provider events) and failed email jobs are kept; a lifted suppression is deleted at once',
      ),
  ),
  SMTP_HOST: text(
    'email.smtp.host',
    Joi.string().allow('').description('SMTP server host'),
    (host) => host ?? 'localhost',
  ),
  SMTP_PORT: value('email.smtp.port', Joi.number().port().default(587).description('SMTP server port')),
  SMTP_USER: text('email.smtp.user', Joi.string().allow('').description('SMTP user name')),
  SMTP_PASSWORD: text('email.smtp.password', Joi.string().allow('').description('SMTP password')),
  SMTP_SECURE: value(
    'email.smtp.secure',
    Joi.boolean().default(false).description('Use implicit TLS (port 465); STARTTLS is used otherwise'),
  ),
  SMTP_REQUIRE_TLS: value(
    'email.smtp.requireTls',
    Joi.boolean()
      .default(true)
      .description(
        'Refuse to send (or log in) unless the connection is upgraded with STARTTLS and the certificate verifies; false (plain SMTP, e.g. a local mail catcher) is refused in production',
      ),
  ),
  SMTP_FROM: value(
    'email.from',
    Joi.string().default('no-reply@localhost').description('From address of code emails'),
  ),
  SENDGRID_API_KEY: text('email.sendgridApiKey', Joi.string().allow('').description('SendGrid API key')),
  AWS_REGION: text('email.ses.region', Joi.string().allow('').description('AWS region (SES)')),
  AWS_ACCESS_KEY_ID: text(
    'email.ses.accessKeyId',
    Joi.string().allow('').description('AWS access key id (SES)'),
  ),
  AWS_SECRET_ACCESS_KEY: text(
    'email.ses.secretAccessKey',
    Joi.string().allow('').description('AWS secret access key (SES)'),
  ),
  SENDGRID_API_URL: text(
    'email.sendgridApiUrl',
    httpUrl().description(
      'SendGrid API base URL (default https://api.sendgrid.com; set for a proxy or a test stub)',
    ),
  ),
  SES_ENDPOINT: text(
    'email.ses.endpoint',
    httpUrl().description(
      'SES v2 API endpoint (default: the region endpoint; set for a proxy or a test stub)',
    ),
  ),
  SES_CONFIGURATION_SET: text(
    'email.ses.configurationSet',
    Joi.string()
      .allow('')
      .description('SES configuration set whose event destination publishes delivery events to SNS'),
  ),
  MAILGUN_API_KEY: text('email.mailgun.apiKey', Joi.string().allow('').description('Mailgun API key')),
  MAILGUN_DOMAIN: text(
    'email.mailgun.domain',
    Joi.string().allow('').description('Mailgun sending domain (e.g. mg.example.com)'),
  ),
  MAILGUN_URL: text(
    'email.mailgun.url',
    httpUrl().description(
      'Mailgun API base URL (default https://api.mailgun.net; https://api.eu.mailgun.net for EU)',
    ),
  ),
  SENDGRID_WEBHOOK_PUBLIC_KEY: text(
    'email.webhooks.sendgridPublicKey',
    Joi.string()
      .allow('')
      .description(
        'Verification key of the SendGrid signed Event Webhook (base64, as SendGrid shows it); enables POST /v1/webhooks/sendgrid',
      ),
  ),
  MAILGUN_WEBHOOK_SIGNING_KEY: text(
    'email.webhooks.mailgunSigningKey',
    Joi.string().allow('').description('Mailgun HTTP webhook signing key; enables POST /v1/webhooks/mailgun'),
  ),
  SES_SNS_TOPIC_ARN: text(
    'email.webhooks.sesSnsTopicArn',
    Joi.string()
      .pattern(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/)
      .allow('')
      .description(
        'The SNS topic that carries SES bounces/complaints; enables POST /v1/webhooks/ses (other topics are refused)',
      ),
  ),
  EMAIL_PRODUCT_NAME: value(
    'email.brand.productName',
    Joi.string().default('OTP Login').description('Product name shown in emails'),
  ),
  EMAIL_PRIMARY_COLOR: value(
    'email.brand.primaryColor',
    Joi.string().default('#2563eb').description('Brand colour of emails (#rrggbb)'),
  ),
  EMAIL_LOGO_URL: text(
    'email.brand.logoUrl',
    Joi.string().allow('').description('https URL of the logo shown in emails'),
  ),
  EMAIL_SUPPORT_ADDRESS: text(
    'email.brand.supportEmail',
    Joi.string().allow('').description('Support address shown in emails'),
  ),
};
