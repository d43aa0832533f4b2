import { randomBytes } from 'node:crypto';
import { bucketOf, defaultRollout, FeatureFlags, parseFeatureFlags } from '../../src/platform/feature-flags';

const key = Buffer.alloc(32, 7);
const emails = Array.from({ length: 5000 }, (_, i) => `person-${i}@example.com`);

describe('parsing FEATURE_FLAGS', () => {
  it('when nothing is set, then every flag keeps its default (everything on)', () => {
    expect(parseFeatureFlags(undefined)).toEqual({ rollout: defaultRollout(), problems: [] });
    expect(defaultRollout()).toEqual({ signups: 100, unversioned_aliases: 100 });
  });

  it.each([
    ['signups=25', { signups: 25, unversioned_aliases: 100 }],
    ['signups=0%, unversioned_aliases=off', { signups: 0, unversioned_aliases: 0 }],
    ['signups=on,unversioned_aliases=ON', { signups: 100, unversioned_aliases: 100 }],
    ['signups=false', { signups: 0, unversioned_aliases: 100 }],
    ['unversioned_aliases=0', { signups: 100, unversioned_aliases: 0 }],
    [' , signups=100 ,', { signups: 100, unversioned_aliases: 100 }],
  ])('when FEATURE_FLAGS=%j, then the rollout is read as given', (raw, rollout) => {
    expect(parseFeatureFlags(raw)).toEqual({ rollout, problems: [] });
  });

  it.each([
    ['signup=50', /unknown flag "signup"/],
    ['signups=101', /signups must be on, off or a percentage/],
    ['signups=-1', /signups must be/],
    ['signups=half', /signups must be/],
    ['signups', /signups must be/],
    ['signups=1=2', /signups must be/],
    ['unversioned_aliases=50', /unversioned_aliases must be on or off/],
    ['signups=10,signups=20', /signups is given twice/],
  ])('when FEATURE_FLAGS=%j, then boot is refused with a message naming it', (raw, message) => {
    const { problems } = parseFeatureFlags(raw);
    expect(problems.join('\n')).toMatch(message);
  });
});

describe('rollout buckets', () => {
  it('when the same subject is asked again, then it lands in the same bucket (a person stays put)', () => {
    for (const email of emails.slice(0, 50)) {
      expect(bucketOf(key, 'signups', email)).toBe(bucketOf(key, 'signups', email));
      expect(new FeatureFlags({ signups: 30, unversioned_aliases: 100 }, key).isOnFor('signups', email)).toBe(
        new FeatureFlags({ signups: 30, unversioned_aliases: 100 }, key).isOnFor('signups', email),
      );
    }
  });

  it('when a rollout is at N%, then about N% of subjects are in it', () => {
    for (const percent of [1, 10, 50, 90]) {
      const flags = new FeatureFlags({ signups: percent, unversioned_aliases: 100 }, key);
      const share = emails.filter((e) => flags.isOnFor('signups', e)).length / emails.length;
      expect(Math.abs(share - percent / 100)).toBeLessThan(0.025);
    }
  });

  it('when a rollout is raised, then everyone already in stays in', () => {
    const at = (percent: number) => new FeatureFlags({ signups: percent, unversioned_aliases: 100 }, key);
    const in10 = emails.filter((e) => at(10).isOnFor('signups', e));
    const in40 = new Set(emails.filter((e) => at(40).isOnFor('signups', e)));
    expect(in10.length).toBeGreaterThan(0);
    expect(in10.every((e) => in40.has(e))).toBe(true);
  });

  it('when the key differs, then the buckets differ (outsiders cannot compute who is in)', () => {
    const other = randomBytes(32);
    const same = emails
      .slice(0, 200)
      .filter((e) => bucketOf(key, 'signups', e) === bucketOf(other, 'signups', e));
    expect(same.length).toBeLessThan(20);
  });

  it('when at 0% or 100%, then nobody or everybody is in, and a switch reads as on or off', () => {
    const off = new FeatureFlags({ signups: 0, unversioned_aliases: 0 }, key);
    const on = new FeatureFlags({ signups: 100, unversioned_aliases: 100 }, key);
    expect(emails.some((e) => off.isOnFor('signups', e))).toBe(false);
    expect(emails.every((e) => on.isOnFor('signups', e))).toBe(true);
    expect(off.isOn('unversioned_aliases')).toBe(false);
    expect(on.isOn('unversioned_aliases')).toBe(true);
    expect(new FeatureFlags({ signups: 99, unversioned_aliases: 100 }, key).isOn('signups')).toBe(false);
    expect(on.describe()).toEqual({ signups: 100, unversioned_aliases: 100 });
  });
});
