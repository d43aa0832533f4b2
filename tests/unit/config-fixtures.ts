import { ConfigError, loadConfig } from '../../src/platform/config/config';

/** The ConfigError thrown for `env`, or a failure if none was. */
export function problemsOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to refuse this environment');
}
