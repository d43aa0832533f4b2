import { domainToASCII } from 'node:url';

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Returns the one canonical form used for both lookup and delivery, or undefined.
 *
 * Why strict: a mailbox provider may fold `mıke` (dotless i) or fullwidth letters onto
 * `mike`, so a non-ASCII local part could receive someone else's code (GitHub, 2016).
 * We reject non-ASCII local parts outright rather than guess, lower-case the rest, and
 * turn an IDN domain into its punycode form so there is exactly one spelling per domain.
 */
export function normalizeEmail(input: string): string | undefined {
  if (input.length > 254 || input !== input.trim()) return undefined;
  const at = input.lastIndexOf('@');
  if (at <= 0 || at === input.length - 1) return undefined;
  const local = input.slice(0, at);
  const rawDomain = input.slice(at + 1);
  if (/[^\x21-\x7e]/.test(local) || local.length > 63) return undefined;
  const lowerLocal = local.toLowerCase();
  if (!LOCAL_PART.test(lowerLocal)) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(rawDomain)) return undefined;
  const domain = domainToASCII(rawDomain.toLowerCase());
  if (!domain || domain.length > 253) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) return undefined;
  if (!/^([a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels[labels.length - 1])) return undefined;
  const email = `${lowerLocal}@${domain}`;
  return email.length <= 254 ? email : undefined;
}

/**
 * An address inside longer text, in every form RFC 5321 allows: a local part of atext (letters,
 * digits, ! # $ % & ' * + - / = ? ^ _ ` { | } ~) and dots, with the letters and digits of any
 * script too (SMTPUTF8), or a quoted one (`"john doe"@`, `"a\"b"@`); a domain name or an address
 * literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`). The local part is bounded by the RFC's 64
 * octets, so text without an address costs linear time, not quadratic.
 */
export const ADDRESS_IN_TEXT =
  /(?:"(?:[^"\\\r\n]|\\.){0,64}"|[\p{L}\p{N}_!#$%&'*+/=?^`{|}~-][\p{L}\p{N}_.!#$%&'*+/=?^`{|}~-]{0,63})@(?:\[[^\]\s]{1,64}\]|[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63})*)/gu;

/** Every address in `text` masked (`maskEmail`); text with no `@` is returned as it is. */
export function maskEmailsIn(text: string): string {
  return text.includes('@') ? text.replace(ADDRESS_IN_TEXT, (m) => maskEmail(m)) : text;
}

/** `jo***@example.com`: enough for a person reading logs, not enough to enumerate. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return '***';
  const local = email.slice(0, at);
  return `${local.slice(0, Math.min(2, Math.max(1, local.length - 1)))}***@${email.slice(at + 1)}`;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}
