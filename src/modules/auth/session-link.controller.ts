import type { RequestHandler, Response } from 'express';
import { validated } from '../../platform/http/route-table';
import type { NewDeviceService } from './new-device.service';

/**
 * The pages of the new-sign-in email's link. No script and no style: the policy allows
 * nothing but posting the form back here.
 */
const PAGE_POLICY = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .setHeader('Content-Security-Policy', PAGE_POLICY)
    .type('html')
    .send(
      `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="robots" content="noindex">\n<title>${escape(title)}</title>\n</head>\n<body>\n<h1>${escape(title)}</h1>\n${body}\n</body>\n</html>\n`,
    );
}

const invalid = (res: Response) =>
  page(
    res,
    404,
    'Link not valid',
    '<p>This link is not valid or has expired. Sign in and review your sessions instead.</p>',
  );

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
