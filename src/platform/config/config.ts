import { envSchema, type Config } from './config.schema';

export type { Config } from './config.schema';
export type {
  EmailTransportKind,
  MongoReadPreference,
  ProviderTransportKind,
  StorageConfig,
} from './config.derived';

/** The code rules, as the otp section of `Config` holds them. */
export type OtpConfig = Config['otp'];

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment and returns a frozen, typed configuration. Reads nothing but
 * `env`. Every problem is reported in one ConfigError: first each malformed variable; once
 * all are well-formed, every cross-field problem.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { value, error } = envSchema.validate(env, { abortEarly: false, convert: true });
  if (error) throw new ConfigError(error.details.map((d) => d.message));
  return Object.freeze(value);
}
