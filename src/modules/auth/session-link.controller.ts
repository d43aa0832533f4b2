import type { RequestHandler, Response } from 'express';
import { validated } from '../../platform/http/route-table';
import { escapeHtml as escape, sendPage } from './html-page';
import type { NewDeviceService } from './new-device.service';

const page = (res: Response, status: number, title: string, body: string) =>
  sendPage(res, { status, lang: 'en', title, body });

const invalid = (res: Response) =>
  page(
    res,
    404,
    'Link not valid',
    '<p>This link is not valid or has expired. Sign in and review your sessions instead.</p>',
  );

/** The pages of the new-sign-in email's link (html-page.ts: no script, no style). */
export function createSessionLinkController(deps: { newDevices: NewDeviceService }) {
  /** GET: a confirmation page; it changes nothing (mail scanners follow links). */
  const revokeLinkPage: RequestHandler = (_req, res) => {
    const { token } = validated<{ token: string }>(res).query;
    if (!deps.newDevices.isValid(token)) return invalid(res);
    const action = `/v1/sessions/revoke-link?token=${encodeURIComponent(token)}`;
    page(
      res,
      200,
      'Sign out that device?',
      `<p>This signs out the device of the new sign-in you were told about. Its access ends at once.</p>\n<form method="post" action="${escape(action)}">\n<button type="submit">Sign out that device</button>\n</form>`,
    );
  };

  /** POST: revokes the session once; a second use is 410. */
  const revokeLinkConfirm: RequestHandler = async (_req, res) => {
    const { token } = validated<{ token: string }>(res).query;
    const outcome = await deps.newDevices.revoke(token, res.locals.requestId);
    if (outcome === 'invalid') return invalid(res);
    if (outcome === 'used')
      return page(res, 410, 'Link already used', '<p>This link has been used already.</p>');
    page(
      res,
      200,
      'Device signed out',
      '<p>That device is signed out. If you did not sign in, sign in again and review your sessions.</p>',
    );
  };

  return { revokeLinkPage, revokeLinkConfirm };
}
