import { join } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { pageSecurityHeaders } from '../../platform/http/security';
import { resolveBrand, resolveLocale, type EmailBrand, type SupportedLocale } from '../email';
import { HOSTED_UI_STRINGS } from './i18n';
import { renderPage } from './page.template';
import { themeCss } from './theme';

/**
 * The page's stylesheet and script, served as they are (no build step). Resolved from the
 * repository root, so `src/` and the compiled `dist/` (both three folders below it) serve the
 * same files; the Docker image copies the folder to the same place.
 */
export const PUBLIC_DIR = join(__dirname, '..', '..', '..', 'src', 'modules', 'hosted-ui', 'public');

/** The paths this module answers: `/` and everything under `/ui/`. */
const PAGE_PATHS = /^\/(?:$|ui\/)/;

export interface HostedUiModuleDeps {
  /** HOSTED_UI_ENABLED; the emails' brand (name, colour, logo, support address); OTP_LENGTH (one box per digit). */
  config: { hostedUi: { enabled: boolean }; email: { brand: EmailBrand }; otp: { length: number } };
}

export interface HostedUiModule {
  /** Answers `/` and `/ui/*`; other paths pass straight on. Undefined when the page is off. */
  handler?: RequestHandler;
}

/**
 * The hosted sign-in page (docs/api.md, "Hosted sign-in page"): `GET /` in the language of
 * Accept-Language, `/ui/theme.css` from the brand settings, `/ui/*` the static stylesheet and
 * page script. The page signs in through `/v1/client.js` in cookie mode.
 */
export function createHostedUiModule({ config }: HostedUiModuleDeps): HostedUiModule {
  if (!config.hostedUi.enabled) return {};
  const brand = resolveBrand(config.email.brand);
  const pages = new Map<SupportedLocale, string>();
  const page = (locale: SupportedLocale): string => {
    let html = pages.get(locale);
    if (html === undefined) {
      html = renderPage({ locale, t: HOSTED_UI_STRINGS[locale], brand, codeLength: config.otp.length });
      pages.set(locale, html);
    }
    return html;
  };
  const theme = themeCss(brand);

  const router = Router({ strict: true });
  router.get(
    '/',
    pageSecurityHeaders({ imgSrc: brand.logoUrl ? [new URL(brand.logoUrl).origin] : [] }),
    (req, res) => {
      const locale = resolveLocale(undefined, req.get('accept-language'));
      res.setHeader('Vary', 'Accept-Language');
      res.setHeader('Content-Language', locale);
      res.type('html').send(page(locale));
    },
  );
  router.get('/ui/theme.css', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('css').send(theme);
  });
  // Revalidated on each load (ETag), so a new release is picked up at once.
  router.use(
    '/ui',
    express.static(PUBLIC_DIR, {
      index: false,
      redirect: false,
      lastModified: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );

  return {
    handler: (req, res, next) => (PAGE_PATHS.test(req.path) ? router(req, res, next) : next()),
  };
}
