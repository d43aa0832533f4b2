import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEnv, renderEnvExample, withReadmeTable } from '../../scripts/gen-env-docs';

const root = join(__dirname, '..', '..');

describe('configuration documentation', () => {
  it('when the schema changes, then .env.example must be regenerated (npm run docs:env)', () => {
    expect(readFileSync(join(root, '.env.example'), 'utf8')).toBe(renderEnvExample());
  });

  it('when the schema changes, then the README table must be regenerated (npm run docs:env)', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toBe(await withReadmeTable(readme));
  });

  it('when a setting has no description, then the docs would be empty, so every key has one', () => {
    const undocumented = describeEnv().filter((v) => v.description.trim() === '');
    expect(undocumented.map((v) => v.name)).toEqual([]);
  });

  it('when the checklist names a variable, then the schema keeps that exact name', () => {
    const names = new Set(describeEnv().map((v) => v.name));
    const checklist = (
      'NODE_ENV PORT CORS_ORIGIN SESSION_SECRET DATABASE_URL POSTGRESQL_URL SENDGRID_API_KEY SMTP_HOST SMTP_PORT ' +
      'SMTP_USER SMTP_PASSWORD SMTP_FROM AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY SENTRY_DSN ' +
      'NEW_RELIC_LICENSE_KEY REDIS_URL RATE_LIMIT_WINDOW_MS RATE_LIMIT_MAX_REQUESTS OTP_LENGTH OTP_EXPIRY_MINUTES ' +
      'SESSION_EXPIRY_HOURS'
    ).split(' ');
    expect(checklist.filter((n) => !names.has(n))).toEqual([]);
  });
});
