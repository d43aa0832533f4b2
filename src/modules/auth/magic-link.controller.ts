import type { Request, RequestHandler, Response } from 'express';
import { validated } from '../../platform/http/route-table';
import { resolveLocale } from '../email';
import { clientContext } from './auth.controller';
import { escapeHtml as e, sendPage } from './html-page';
import { MAGIC_LINK_PATH } from './magic-link';
import { MAGIC_LINK_STRINGS, type MagicLinkStrings } from './magic-link.strings';
import type { MagicLinkSignIn } from './magic-link.use-case';
import type { IssuedTokens } from './session.service';

export interface MagicLinkControllerDeps {
  links: MagicLinkSignIn;
  /** OTP_MAGIC_LINK: off, every link (even one mailed before) gets the not-working page. */
  enabled: boolean;
  productName: string;
  /** MAGIC_LINK_REDIRECT_URL (checked at boot); absent: the service's own page `/`. */
  redirectUrl?: string;
  /** Origins a POST may come from (CORS_ORIGIN and the service's public origin). */
  allowedOrigins: string[];
  /** Sets the cookie-mode cookies of the new session on the answer (cookie-mode.ts). */
  issueCookies: (res: Response, tokens: IssuedTokens) => void;
}

/**
 * Login CSRF: a form on another site must not sign this browser in to an account of that
 * site's choosing. Browsers say where a POST comes from: Sec-Fetch-Site (every current one),
 * else Origin. The link's own page posts same-origin. A POST that says neither (an older
 * browser, a client that is not a browser) proceeds: the token is the proof.
 */
function fromAnotherSite(req: Request, allowed: Set<string>): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'cross-site' || site === 'same-site';
  const origin = req.get('origin');
  if (!origin || origin === 'null' || allowed.has(origin)) return false;
  return origin.replace(/^https?:\/\//, '') !== req.get('host');
}

/** The sign-in link's pages (html-page.ts: no script, no style), in the browser's language. */
export function createMagicLinkController(deps: MagicLinkControllerDeps) {
  const allowed = new Set(deps.allowedOrigins);
  const landing = deps.redirectUrl ?? '/';
  // The 303 after the form's POST may leave this origin, and form-action holds redirects too.
  const formTargets = deps.redirectUrl ? [new URL(deps.redirectUrl).origin] : [];
  const product = deps.productName;

  const localised = (req: Request) => {
    const lang = resolveLocale(undefined, req.get('accept-language'));
    return { lang, t: MAGIC_LINK_STRINGS[lang] };
  };
  const notWorking = (res: Response, lang: string, t: MagicLinkStrings) =>
    sendPage(res, { status: 410, lang, title: t.invalidTitle, body: `<p>${e(t.invalidBody)}</p>` });
  const tokenOf = (res: Response) => validated<unknown, { token: string }>(res).params.token;

  /** GET and HEAD: the confirmation page; it consumes nothing (mail scanners follow links). */
  const magicLinkPage: RequestHandler = async (req, res) => {
    const { lang, t } = localised(req);
    const token = tokenOf(res);
    const found = deps.enabled ? await deps.links.peek(token) : undefined;
    if (!found) return notWorking(res, lang, t);
    sendPage(res, {
      status: 200,
      lang,
      title: t.confirmTitle(product),
      formTargets,
      body: [
        `<p>${e(t.confirmLead(product))}</p>`,
        `<p>${e(t.account)} <strong>${e(found.email)}</strong></p>`,
        `<p>${e(t.thisDevice)}</p>`,
        `<form method="post" action="${e(`${MAGIC_LINK_PATH}/${token}`)}">`,
        `<button type="submit">${e(t.button)}</button>`,
        '</form>',
        `<p>${e(t.notYou)}</p>`,
      ].join('\n'),
    });
  };

  /** POST: signs this browser in (cookie mode) and sends it on with 303; the link is then used. */
  const magicLinkConfirm: RequestHandler = async (req, res) => {
    const { lang, t } = localised(req);
    const ctx = clientContext(req, res);
    if (fromAnotherSite(req, allowed)) {
      deps.links.refusedCrossSite(ctx);
      const body = `<p>${e(t.crossSiteBody)}</p>`;
      return sendPage(res, { status: 403, lang, title: t.crossSiteTitle, body });
    }
    const tokens = deps.enabled ? await deps.links.signIn(tokenOf(res), ctx) : undefined;
    if (!tokens) return notWorking(res, lang, t);
    deps.issueCookies(res, tokens);
    res.status(303).location(landing).end();
  };

  return { magicLinkPage, magicLinkConfirm };
}
