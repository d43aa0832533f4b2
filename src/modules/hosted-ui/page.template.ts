import { escapeHtml as e, mailtoHref, type ResolvedBrand, type SupportedLocale } from '../email';
import { fill, type HostedUiStrings } from './i18n';

export interface PageInput {
  locale: SupportedLocale;
  t: HostedUiStrings;
  brand: ResolvedBrand;
  /** OTP_LENGTH: one box per digit. */
  codeLength: number;
}

/** Escapes `text` and puts `<strong id="…"></strong>` where `{email}` stands (the script fills it). */
const withEmailSlot = (text: string, id: string): string =>
  text
    .split('{email}')
    .map((part) => e(part))
    .join(`<strong id="${id}"></strong>`);

/** JSON for a data block: `<` escaped, so no `</script>` can end it early. */
const jsonBlock = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

function digits(t: HostedUiStrings, n: number): string {
  const box = (i: number) =>
    `<input class="digit" id="digit-${i}" type="text" inputmode="numeric" pattern="[0-9]*" ` +
    `autocomplete="${i === 1 ? 'one-time-code' : 'off'}" aria-label="${e(fill(t.code.digit, { i, n }))}">`;
  return Array.from({ length: n }, (_, i) => box(i + 1)).join('\n');
}

function header(brand: ResolvedBrand): string {
  return brand.logoUrl
    ? `<img class="logo" src="${e(brand.logoUrl)}" alt="${e(brand.product)}">`
    : `<span class="product">${e(brand.product)}</span>`;
}

function footer(t: HostedUiStrings, brand: ResolvedBrand): string {
  const help = brand.support
    ? `<p>${e(t.help)} <a href="${e(mailtoHref(brand.support))}">${e(brand.support)}</a>.</p>\n`
    : '';
  return `<footer class="footer">\n${help}<p>${e(brand.product)}</p>\n</footer>`;
}

/**
 * The hosted sign-in page in one language: every view is in the document (the script shows one
 * at a time), the wording is rendered here, and the script's own messages travel as a JSON data
 * block (not executed, so the CSP's `script-src 'self'` is enough). No inline style or script.
 */
export function renderPage({ locale, t, brand, codeLength }: PageInput): string {
  const product = { product: brand.product };
  return `<!DOCTYPE html>
<html lang="${locale}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light">
<title>${e(fill(t.title, product))}</title>
<link rel="icon" href="/ui/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/theme.css">
<link rel="stylesheet" href="/ui/app.css">
<script type="module" src="/ui/app.js"></script>
<script type="application/json" id="ui-strings">${jsonBlock(t.script)}</script>
</head>
<body>
<header class="brand">${header(brand)}</header>
<main class="card" id="main">
<p class="status" id="status" role="status"></p>
<p class="muted" id="loading">${e(t.loading)}</p>
<noscript><p>${e(t.noscript)}</p></noscript>

<section id="view-email" aria-labelledby="email-heading" hidden>
<h1 id="email-heading" tabindex="-1">${e(t.email.heading)}</h1>
<p>${e(fill(t.email.intro, product))}</p>
<form id="email-form" novalidate>
<label for="email">${e(t.email.label)}</label>
<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" required aria-describedby="email-error">
<p class="error" id="email-error" role="alert"></p>
<button type="submit">${e(t.email.submit)}</button>
</form>
</section>

<section id="view-code" aria-labelledby="code-heading" hidden>
<h1 id="code-heading" tabindex="-1">${e(t.code.heading)}</h1>
<p>${withEmailSlot(t.code.sentTo, 'sent-to')}</p>
<form id="code-form" novalidate>
<fieldset aria-describedby="code-error">
<legend>${e(t.code.legend)}</legend>
<div class="digits" id="digits" data-length="${codeLength}">
${digits(t, codeLength)}
</div>
</fieldset>
<p class="error" id="code-error" role="alert"></p>
<button type="submit">${e(t.code.submit)}</button>
</form>
<p class="muted">${e(t.code.linkHint)}</p>
<p class="links">
<button type="button" class="link" id="resend">${e(t.code.resend)}</button>
<button type="button" class="link" id="change-email">${e(t.code.changeEmail)}</button>
</p>
</section>

<section id="view-account" aria-labelledby="account-heading" hidden>
<h1 id="account-heading" tabindex="-1">${e(t.account.heading)}</h1>
<p>${withEmailSlot(t.account.signedInAs, 'account-email')}</p>
<h2 id="sessions-heading">${e(t.account.sessions)}</h2>
<ul class="sessions" id="sessions" aria-labelledby="sessions-heading"></ul>
<p class="error" id="account-error" role="alert"></p>
<p class="actions">
<button type="button" id="sign-out">${e(t.account.signOut)}</button>
<button type="button" class="secondary" id="sign-out-others">${e(t.account.signOutOthers)}</button>
</p>
</section>

<section id="view-step-up" aria-labelledby="step-up-heading" hidden>
<h1 id="step-up-heading" tabindex="-1">${e(t.stepUp.heading)}</h1>
<form id="step-up-form" novalidate>
<p id="step-up-intro">${e(t.script.stepUpTotpIntro)}</p>
<label for="step-up-code" id="step-up-label">${e(t.script.stepUpTotpLabel)}</label>
<input id="step-up-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" spellcheck="false" required aria-describedby="step-up-error">
<p class="error" id="step-up-error" role="alert"></p>
<p class="actions">
<button type="submit">${e(t.stepUp.confirm)}</button>
<button type="button" class="secondary" id="step-up-cancel">${e(t.stepUp.cancel)}</button>
</p>
</form>
</section>
</main>
${footer(t, brand)}
</body>
</html>
`;
}
