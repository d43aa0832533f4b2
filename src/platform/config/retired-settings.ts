/**
 * Variables the service once read and no longer does, with what replaced each. Setting one
 * does not stop the service (an old `.env` still starts); it is logged as a warning at start,
 * so the operator learns the value is ignored. The CHANGELOG says when each was retired.
 */
export const RETIRED_SETTINGS: Readonly<Record<string, string>> = {
  BODY_LIMIT: 'the JSON body limit is fixed at 8 KiB (larger bodies get 413 payload_too_large)',
};

/** One warning for each retired variable `env` sets. */
export function retiredSettingWarnings(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(RETIRED_SETTINGS)
    .filter(([name]) => env[name] !== undefined && env[name] !== '')
    .map(([name, instead]) => `${name} is no longer read and is ignored: ${instead}`);
}
