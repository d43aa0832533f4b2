import { settings } from '../../src/platform/config/config.settings';
import {
  RENAMED_SETTINGS,
  RETIRED_SETTINGS,
  renamedSettingWarnings,
  retiredSettingWarnings,
} from '../../src/platform/config/retired-settings';
import { loadConfig } from '../../src/platform/config/config';

describe('retired settings', () => {
  it('when a retired variable is set, then config still loads and one warning names it and what replaced it', () => {
    expect(() => loadConfig({ BODY_LIMIT: '1mb' })).not.toThrow();
    expect(retiredSettingWarnings({ BODY_LIMIT: '1mb', PORT: '5000' })).toEqual([
      expect.stringMatching(/^BODY_LIMIT is no longer read and is ignored: .*8 KiB/),
    ]);
  });

  it('when none is set (or one is empty), then there is no warning', () => {
    expect(retiredSettingWarnings({ PORT: '5000' })).toEqual([]);
    expect(retiredSettingWarnings({ BODY_LIMIT: '' })).toEqual([]);
  });

  it('when a variable is retired, then it is no longer a setting', () => {
    for (const name of Object.keys(RETIRED_SETTINGS)) expect(Object.keys(settings)).not.toContain(name);
  });
});

describe('renamed settings', () => {
  it('when only the old name PUBLIC_BASE_URL is set, then it is read and a warning says to rename it', () => {
    const env = { PUBLIC_BASE_URL: 'http://old.example.com:8080' };
    expect(loadConfig(env).publicUrl).toBe('http://old.example.com:8080');
    expect(renamedSettingWarnings(env)).toEqual([
      'PUBLIC_BASE_URL is deprecated and will no longer be read in the next release; rename it to PUBLIC_URL',
    ]);
  });

  it('when both names are set, then the new one wins and the warning says to remove the old one', () => {
    const env = { PUBLIC_URL: 'http://new.example.com', PUBLIC_BASE_URL: 'http://old.example.com' };
    expect(loadConfig(env).publicUrl).toBe('http://new.example.com');
    expect(renamedSettingWarnings(env)).toEqual([
      'PUBLIC_BASE_URL is ignored because PUBLIC_URL is set; remove PUBLIC_BASE_URL',
    ]);
  });

  it('when only the new name is set (or the old one is blank), then there is no warning', () => {
    expect(renamedSettingWarnings({ PUBLIC_URL: 'http://new.example.com' })).toEqual([]);
    expect(renamedSettingWarnings({ PUBLIC_BASE_URL: ' ' })).toEqual([]);
  });

  it('when a setting is renamed, then both names are settings, for the release that reads both', () => {
    for (const [old, renamed] of Object.entries(RENAMED_SETTINGS)) {
      expect(Object.keys(settings)).toContain(old);
      expect(Object.keys(settings)).toContain(renamed);
    }
  });
});
