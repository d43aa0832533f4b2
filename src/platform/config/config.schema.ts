import Joi from 'joi';
import { derivedFields } from './config.derived';
import { crossFieldRules } from './config.rules';
import { settings, type Env } from './config.settings';
import { landAll, readEnv, rulesOf, type LandingsOf, type Nest } from './setting';

/** The typed configuration: each setting at its path, each derived field at its own. */
export type Config = Nest<LandingsOf<typeof settings, typeof derivedFields>>;

/** The walk from the read variables to the nested `Config`. */
export function buildConfig(env: Env): Config {
  // landAll puts each setting's and derived field's value at its path: the shape `Config` spells out.
  return landAll(settings, derivedFields, env) as Config;
}

/** Joi's way for one rule to report several errors (an array it marks); its typings omit it. */
const hasErrorsArray = (
  helpers: Joi.CustomHelpers,
): helpers is Joi.CustomHelpers & { errorsArray(): Joi.ErrorReport[] } =>
  'errorsArray' in helpers && typeof helpers.errorsArray === 'function';

/**
 * The environment's schema: each variable's own rule (whose `.description()` feeds
 * `.env.example` and the README table through scripts/gen-env-docs.ts), then, once every
 * variable is valid, the cross-field rules, all at once. A valid environment validates to
 * the `Config` itself.
 */
export const envSchema: Joi.ObjectSchema<Config> = Joi.object(rulesOf(settings))
  .unknown(true)
  .custom((validated: Record<string, unknown>, helpers) => {
    const env = readEnv(settings, validated);
    const config = buildConfig(env);
    const problems = crossFieldRules.flatMap((rule) => rule(config, env));
    if (problems.length === 0) return config;
    if (!hasErrorsArray(helpers))
      throw new Error('this Joi version cannot report several errors from one rule');
    const errors = helpers.errorsArray();
    for (const problem of problems) errors.push(helpers.error('config.problem', { problem }));
    return errors;
  }, 'cross-field rules')
  .messages({ 'config.problem': '{#problem}' });
