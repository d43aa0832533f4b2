import { ConfigError, loadConfig } from '../../src/platform/config/config';

/** Everything production insists on, correctly set. */
export const goodProduction = (): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  SESSION_SECRET: 'a3f1c9e07b5d2468a3f1c9e07b5d2468a3f1c9e07b5d2468',
  POSTGRESQL_URL: 'postgresql://app@db.internal:5432/otp',
  SMTP_HOST: 'smtp.example.com',
  CORS_ORIGIN: 'https://app.example.com',
  METRICS_TOKEN: 'metrics-token-0123456789',
  PUBLIC_URL: 'https://login.example.com',
});

/** The problems loadConfig reports for `env`; a failure if it accepts it. */
export function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to refuse this environment');
}
