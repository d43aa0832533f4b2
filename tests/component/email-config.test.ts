import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { createLogger } from '../../src/platform/logger';
import { createMailerFromConfig } from '../../src/modules/email/transports/mailer-factory';

const BASE = { NODE_ENV: 'test', SESSION_SECRET: 'test-secret-0123456789abcdef0123456789abcdef' };
const logger = createLogger({ level: 'error', silent: true });
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...BASE, ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('email provider settings', () => {
  it.each([
    [{}, 'console'],
    [{ SMTP_HOST: 'smtp.example.com' }, 'smtp'],
    [{ MAILGUN_API_KEY: 'k', MAILGUN_DOMAIN: 'mg.example.com', SMTP_HOST: 'smtp.example.com' }, 'mailgun'],
    [
      {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKID',
        MAILGUN_API_KEY: 'k',
        MAILGUN_DOMAIN: 'd.example.com',
      },
      'ses',
    ],
    [{ SENDGRID_API_KEY: 'SG.x', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID' }, 'sendgrid'],
    [{ AWS_REGION: 'eu-west-1' }, 'console'],
  ])('when EMAIL_TRANSPORT=auto and %j is set, then %s is chosen', (env, expected) => {
    expect(loadConfig({ ...BASE, ...env }).email.transport).toBe(expected);
  });

  it('when a provider is chosen without its settings, then every missing one is named', () => {
    expect(problemsOf({ EMAIL_TRANSPORT: 'mailgun' })).toEqual([
      'EMAIL_TRANSPORT=mailgun needs MAILGUN_API_KEY',
      'EMAIL_TRANSPORT=mailgun needs MAILGUN_DOMAIN',
    ]);
    expect(problemsOf({ EMAIL_TRANSPORT: 'sendgrid' })).toEqual([
      'EMAIL_TRANSPORT=sendgrid needs SENDGRID_API_KEY',
    ]);
    expect(problemsOf({ SMTP_HOST: 'smtp.example.com', EMAIL_FALLBACK_TRANSPORT: 'ses' })).toEqual([
      'EMAIL_FALLBACK_TRANSPORT=ses needs AWS_REGION',
    ]);
  });

  it('when the fallback is the primary itself, then it is refused', () => {
    expect(problemsOf({ SMTP_HOST: 'smtp.example.com', EMAIL_FALLBACK_TRANSPORT: 'smtp' })).toEqual([
      'EMAIL_FALLBACK_TRANSPORT must differ from EMAIL_TRANSPORT',
    ]);
  });

  it('when webhook settings are malformed, then they are refused at boot', () => {
    expect(problemsOf({ SENDGRID_WEBHOOK_PUBLIC_KEY: 'bm90IGEga2V5' })[0]).toMatch(
      /SENDGRID_WEBHOOK_PUBLIC_KEY/,
    );
    expect(problemsOf({ SES_SNS_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:123456789012:q' })[0]).toMatch(
      /SES_SNS_TOPIC_ARN/,
    );
    expect(problemsOf({ SENDGRID_API_URL: 'ftp://example.com' })[0]).toMatch(/SENDGRID_API_URL/);
    expect(problemsOf({ EMAIL_MAX_ATTEMPTS: '0' })[0]).toMatch(/EMAIL_MAX_ATTEMPTS/);
  });

  it('when the settings are complete, then they reach the config with their defaults', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    const c = loadConfig({
      ...BASE,
      SENDGRID_API_KEY: 'SG.x',
      MAILGUN_API_KEY: 'k',
      MAILGUN_DOMAIN: 'mg.example.com',
      EMAIL_FALLBACK_TRANSPORT: 'mailgun',
      SENDGRID_WEBHOOK_PUBLIC_KEY: key,
      MAILGUN_WEBHOOK_SIGNING_KEY: 'signing',
      SES_SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:ses-events',
    }).email;
    expect(c).toMatchObject({
      transport: 'sendgrid',
      fallbackTransport: 'mailgun',
      maxAttempts: 5,
      sendTimeoutMs: 10_000,
      mailgun: { apiKey: 'k', domain: 'mg.example.com' },
      webhooks: { sendgridPublicKey: key, mailgunSigningKey: 'signing' },
    });
  });

  it('when a fallback is configured, then the mailer chains both providers; console stays alone', () => {
    const email = loadConfig({
      ...BASE,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKID',
      SMTP_HOST: 'smtp.example.com',
      EMAIL_FALLBACK_TRANSPORT: 'smtp',
    }).email;
    expect(createMailerFromConfig(email, logger).name).toBe('ses+smtp');
    expect(createMailerFromConfig(loadConfig(BASE).email, logger).name).toBe('console');
  });
});
