import { loadConfig } from '../../src/platform/config/config';
import { contrast, themeCss } from '../../src/modules/hosted-ui/theme';
import { problemsOf } from './config-fixtures';

/** HOSTED_UI_ENABLED and the page's theme (docs/api.md, "Hosted sign-in page"). */

const production = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a'.repeat(20) + 'b'.repeat(20),
  POSTGRESQL_URL: 'postgresql://db/x',
  SMTP_HOST: 'smtp.example.com',
  CORS_ORIGIN: 'https://app.example.com',
  METRICS_TOKEN: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
  PUBLIC_URL: 'https://login.example.com',
};

describe('HOSTED_UI_ENABLED', () => {
  it('when unset, then the page is on in development and test, off in production', () => {
    expect(loadConfig({}).hostedUi.enabled).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).hostedUi.enabled).toBe(true);
    expect(loadConfig(production).hostedUi.enabled).toBe(false);
  });

  it('when set, then it decides in every environment (any case); anything else is refused, naming it', () => {
    expect(loadConfig({ ...production, HOSTED_UI_ENABLED: 'true' }).hostedUi.enabled).toBe(true);
    expect(loadConfig({ HOSTED_UI_ENABLED: 'FALSE' }).hostedUi.enabled).toBe(false);
    expect(loadConfig({ HOSTED_UI_ENABLED: '' }).hostedUi.enabled).toBe(true);
    expect(problemsOf({ HOSTED_UI_ENABLED: 'yes' }).message).toMatch(/HOSTED_UI_ENABLED/);
  });
});

describe('themeCss', () => {
  const vars = (css: string) =>
    Object.fromEntries([...css.matchAll(/--([\w-]+): ([^;]+);/g)].map((m) => [m[1], m[2]]));

  it('when the colour is dark, then text on it is white and links use it', () => {
    expect(vars(themeCss({ color: '#2563EB' }))).toEqual({
      brand: '#2563eb',
      'on-brand': '#ffffff',
      link: '#2563eb',
    });
  });

  it('when the colour is light, then text on it and links are ink (each at least 4.5:1)', () => {
    const theme = vars(themeCss({ color: '#fd0' }));
    expect(theme).toEqual({ brand: '#fd0', 'on-brand': '#111827', link: '#111827' });
    expect(contrast('#ffdd00', theme['on-brand'])).toBeGreaterThanOrEqual(4.5);
  });

  it('when contrast is measured, then it follows WCAG 2 (black on white 21:1, a colour on itself 1:1)', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#777777')).toBe(1);
  });
});
