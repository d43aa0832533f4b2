import { createHmac } from 'node:crypto';

/**
 * The flags this build knows, each with its kind and default. A percentage flag is decided per
 * subject (a person's email) by a stable keyed hash, so one person stays in the same bucket
 * on every request and every instance; a switch is on or off for everyone.
 */
export const FLAGS = {
  /** Share of NEW addresses that may sign up; existing users are never affected. */
  signups: { kind: 'percentage', default: 100 },
  /** The card's unversioned POST /otp/request and /otp/verify aliases of /v1/otp/…. */
  unversioned_aliases: { kind: 'switch', default: 100 },
} as const;

export type FlagName = keyof typeof FLAGS;
/** Rollout per flag, 0 to 100 (a switch is 0 or 100). */
export type FlagRollout = Record<FlagName, number>;

export const defaultRollout = (): FlagRollout =>
  Object.fromEntries(Object.entries(FLAGS).map(([name, f]) => [name, f.default])) as FlagRollout;

function parseValue(raw: string): number | undefined {
  const value = raw.trim().toLowerCase();
  if (['on', 'true'].includes(value)) return 100;
  if (['off', 'false'].includes(value)) return 0;
  const m = /^(\d{1,3})%?$/.exec(value);
  return m && Number(m[1]) <= 100 ? Number(m[1]) : undefined;
}

/**
 * Parses FEATURE_FLAGS (`signups=25,unversioned_aliases=off`). Unknown names, repeats and bad
 * values are reported, so a typo fails at boot instead of silently keeping the default.
 */
export function parseFeatureFlags(raw: string | undefined): { rollout: FlagRollout; problems: string[] } {
  const rollout = defaultRollout();
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of (raw ?? '').split(',').map((e) => e.trim())) {
    if (!entry) continue;
    const [name, value, extra] = entry.split('=').map((p) => p.trim());
    if (!(name in FLAGS)) {
      problems.push(`FEATURE_FLAGS: unknown flag "${name}" (known: ${Object.keys(FLAGS).join(', ')})`);
      continue;
    }
    const flag = FLAGS[name as FlagName];
    const parsed = value === undefined || extra !== undefined ? undefined : parseValue(value);
    if (parsed === undefined || (flag.kind === 'switch' && parsed !== 0 && parsed !== 100)) {
      const expected = flag.kind === 'switch' ? 'on or off' : 'on, off or a percentage 0-100';
      problems.push(`FEATURE_FLAGS: ${name} must be ${expected}`);
      continue;
    }
    if (seen.has(name)) problems.push(`FEATURE_FLAGS: ${name} is given twice`);
    seen.add(name);
    rollout[name as FlagName] = parsed;
  }
  return { rollout, problems };
}

/**
 * The bucket 0..99 of a subject for a flag: HMAC(key, flag ‖ subject). The flag name is
 * mixed in so the first 10% of one rollout are not always the first 10% of the next; the
 * key (derived from SESSION_SECRET) keeps outsiders from computing who is in.
 */
export function bucketOf(key: Buffer, flag: string, subject: string): number {
  return createHmac('sha256', key).update(`${flag}\0${subject}`, 'utf8').digest().readUInt32BE(0) % 100;
}

/** Flag decisions for the running process. Settings come from config; nothing here changes at runtime. */
export class FeatureFlags {
  constructor(
    private readonly rollout: FlagRollout,
    private readonly key: Buffer,
  ) {}

  /** A switch, or a percentage flag that is fully on. */
  isOn(flag: FlagName): boolean {
    return this.rollout[flag] >= 100;
  }

  /** Whether `subject` falls inside the flag's rollout; raising the percentage only ever adds people. */
  isOnFor(flag: FlagName, subject: string): boolean {
    const percent = this.rollout[flag];
    if (percent >= 100) return true;
    if (percent <= 0) return false;
    return bucketOf(this.key, flag, subject) < percent;
  }

  describe(): FlagRollout {
    return { ...this.rollout };
  }
}
