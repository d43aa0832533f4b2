import { settings } from '../../src/platform/config/config.settings';
import { RETIRED_SETTINGS, retiredSettingWarnings } from '../../src/platform/config/retired-settings';
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
