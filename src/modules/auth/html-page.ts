import type { Response } from 'express';

/**
 * The few HTML pages the login module serves (the links in emails). No script and no style:
 * the policy allows nothing but posting a form back to this origin (and, for a form whose
 * answer redirects elsewhere, to that origin: browsers check form-action on redirects too).
 */
const policy = (formTargets: string[]) =>
  `default-src 'none'; form-action ${["'self'", ...formTargets].join(' ')}; frame-ancestors 'none'; base-uri 'none'`;

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Page {
  status: number;
  /** The page's language (an html lang tag). */
  lang: string;
  title: string;
  /** HTML, every value in it already escaped. */
  body: string;
  /** Origins a form of the page may end at, besides this one. */
  formTargets?: string[];
}

export function sendPage(res: Response, page: Page): void {
  const title = escapeHtml(page.title);
  res
    .status(page.status)
    .setHeader('Content-Security-Policy', policy(page.formTargets ?? []))
    .type('html')
    .send(
      `<!DOCTYPE html>\n<html lang="${escapeHtml(page.lang)}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="robots" content="noindex">\n<title>${title}</title>\n</head>\n<body>\n<h1>${title}</h1>\n${page.body}\n</body>\n</html>\n`,
    );
}
