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

/**
 * Variables renamed, old name → new name. The old name is still read for one release when the
 * new one is unset (config.derived.ts), with a warning at start telling to rename it; the
 * CHANGELOG says when each was renamed and when the old name goes.
 */
export const RENAMED_SETTINGS: Readonly<Record<string, string>> = {
  PUBLIC_BASE_URL: 'PUBLIC_URL',
};

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

/** One warning for each old name `env` sets: rename it, or drop it when the new name is set too. */
export function renamedSettingWarnings(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(RENAMED_SETTINGS)
    .filter(([old]) => isSet(env[old]))
    .map(([old, renamed]) =>
      isSet(env[renamed])
        ? `${old} is ignored because ${renamed} is set; remove ${old}`
        : `${old} is deprecated and will no longer be read in the next release; rename it to ${renamed}`,
    );
}
