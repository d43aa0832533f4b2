import type { Request, RequestHandler, Response } from 'express';
import { validated } from '../../platform/http/route-table';
import { resolveLocale, type SupportedLocale } from '../email';
import { escapeHtml as escape, sendPage } from './html-page';
import type { NewDeviceService } from './new-device.service';
import { SESSION_LINK_PAGE_STRINGS } from './session-link.strings';

/**
 * The pages of the new-sign-in email's link, in the language of the request's Accept-Language
 * (the emails' resolver: en, es, fr, de; English otherwise); html-page.ts: no script, no style.
 */
const localeOf = (req: Request): SupportedLocale => resolveLocale(undefined, req.get('accept-language'));

function page(res: Response, locale: SupportedLocale, status: number, title: string, body: string): void {
  res.setHeader('Content-Language', locale).vary('Accept-Language');
  sendPage(res, { status, lang: locale, title, body });
}

const paragraph = (text: string) => `<p>${escape(text)}</p>`;

function invalid(res: Response, locale: SupportedLocale): void {
  const t = SESSION_LINK_PAGE_STRINGS[locale];
  page(res, locale, 404, t.invalidTitle, paragraph(t.invalidBody));
}

export function createSessionLinkController(deps: { newDevices: NewDeviceService }) {
  /** GET: a confirmation page; it changes nothing (mail scanners follow links). */
  const revokeLinkPage: RequestHandler = (req, res) => {
    const locale = localeOf(req);
    const t = SESSION_LINK_PAGE_STRINGS[locale];
    const { token } = validated<{ token: string }>(res).query;
    if (!deps.newDevices.isValid(token)) return invalid(res, locale);
    const action = `/v1/sessions/revoke-link?token=${encodeURIComponent(token)}`;
    page(
      res,
      locale,
      200,
      t.confirmTitle,
      `${paragraph(t.confirmBody)}\n<form method="post" action="${escape(action)}">\n<button type="submit">${escape(t.confirmButton)}</button>\n</form>`,
    );
  };

  /** POST: revokes the session once; a second use is 410. */
  const revokeLinkConfirm: RequestHandler = async (req, res) => {
    const locale = localeOf(req);
    const t = SESSION_LINK_PAGE_STRINGS[locale];
    const { token } = validated<{ token: string }>(res).query;
    const outcome = await deps.newDevices.revoke(token, res.locals.requestId);
    if (outcome === 'invalid') return invalid(res, locale);
    if (outcome === 'used') return page(res, locale, 410, t.usedTitle, paragraph(t.usedBody));
    page(res, locale, 200, t.doneTitle, paragraph(t.doneBody));
  };

  return { revokeLinkPage, revokeLinkConfirm };
}
