import { loadConfig } from '../../src/platform/config/config';
import { goodProduction, problemsOf } from '../helpers/config-env';

describe('sign-in link settings', () => {
  it('when nothing is set, then links are on and land on the hosted page (no redirect URL)', () => {
    expect(loadConfig({}).magicLink).toEqual({ enabled: true, redirectUrl: undefined });
    expect(loadConfig({ OTP_MAGIC_LINK: 'false' }).magicLink.enabled).toBe(false);
  });

  it('when the redirect is not an http(s) URL, then config refuses it, in any environment', () => {
    for (const url of ['javascript:alert(1)', 'ftp://app.example.com/', '/relative', 'data:text/html,x']) {
      expect(problemsOf({ MAGIC_LINK_REDIRECT_URL: url }).join('\n')).toMatch(/MAGIC_LINK_REDIRECT_URL/);
    }
    expect(loadConfig({ MAGIC_LINK_REDIRECT_URL: 'http://localhost:3000/app' }).magicLink.redirectUrl).toBe(
      'http://localhost:3000/app',
    );
  });

  it('when production redirects over http or to an origin CORS_ORIGIN does not list, then it refuses to start', () => {
    const env = goodProduction();
    expect(problemsOf({ ...env, MAGIC_LINK_REDIRECT_URL: 'http://app.example.com/signed-in' })).toEqual([
      'MAGIC_LINK_REDIRECT_URL must be https in production',
      'MAGIC_LINK_REDIRECT_URL: its origin http://app.example.com must be listed in CORS_ORIGIN',
    ]);
    expect(problemsOf({ ...env, MAGIC_LINK_REDIRECT_URL: 'https://evil.example.net/' })).toEqual([
      'MAGIC_LINK_REDIRECT_URL: its origin https://evil.example.net must be listed in CORS_ORIGIN',
    ]);
    const ok = loadConfig({ ...env, MAGIC_LINK_REDIRECT_URL: 'https://app.example.com/signed-in?from=link' });
    expect(ok.magicLink.redirectUrl).toBe('https://app.example.com/signed-in?from=link');
  });
});
