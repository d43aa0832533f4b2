import { parseIpNetwork } from './ip-network';

/**
 * One ADMIN_API_KEYS entry (docs/admin.md, "Keys, scopes and networks"):
 *
 *     <key or sha256:<64 hex>>[;scopes=read|write][;cidr=<ip or cidr>|<ip or cidr>…]
 *
 * Entries are separated by commas, options by `;`, the values of one option by `|`. A bare key
 * is `read` and `write` from any address (the format before scopes existed). Pure and
 * protocol-free: the configuration checks entries with it, the admin module builds its keys
 * from it, so both read one format.
 */

export type AdminScope = 'read' | 'write';
export const ADMIN_SCOPES: readonly AdminScope[] = ['read', 'write'];

export interface AdminKeyEntry {
  /** The key as configured (never logged), or undefined when only its digest is given. */
  key?: string;
  /** SHA-256 of the key, hex, lower case. */
  digestHex?: string;
  scopes: AdminScope[];
  /** Canonical CIDRs the key may be used from; empty: any address. */
  cidrs: string[];
}

const SHA256_ENTRY = /^sha256:([0-9a-f]{64})$/i;

/** The entry, or the problems with it, worded for the operator and never quoting the key. */
export function parseAdminKeyEntry(entry: string): { entry: AdminKeyEntry } | { problems: string[] } {
  const [secret, ...options] = entry.split(';').map((part) => part.trim());
  const problems: string[] = [];
  const parsed: AdminKeyEntry = { scopes: [...ADMIN_SCOPES], cidrs: [] };
  if (/^sha256:/i.test(secret)) {
    const m = SHA256_ENTRY.exec(secret);
    if (m) parsed.digestHex = m[1].toLowerCase();
    else problems.push('sha256: needs 64 hex digits');
  } else if (secret.length < 16) {
    problems.push('a key must be at least 16 characters');
  } else parsed.key = secret;
  const seen = new Set<string>();
  for (const option of options) {
    const eq = option.indexOf('=');
    const name = (eq < 0 ? option : option.slice(0, eq)).trim().toLowerCase();
    const values =
      eq < 0
        ? []
        : option
            .slice(eq + 1)
            .split('|')
            .map((v) => v.trim());
    if (name !== 'scopes' && name !== 'cidr') {
      // Text after a `;` may be the rest of a key that contains one: named only if it looks like an option.
      const named = eq > 0 && /^[a-z_-]{1,20}$/.test(name) ? ` "${name}"` : '';
      problems.push(`unknown option${named} (known: scopes, cidr; a key cannot contain ; or ,)`);
      continue;
    }
    if (seen.has(name)) problems.push(`${name} is given twice`);
    seen.add(name);
    if (values.length === 0 || values.some((v) => v === '')) {
      problems.push(`${name} needs values separated by |`);
    } else if (name === 'scopes') {
      const bad = values.filter((v) => !(ADMIN_SCOPES as readonly string[]).includes(v));
      if (bad.length) problems.push(`scopes: "${bad[0].slice(0, 20)}" is not read or write`);
      else parsed.scopes = ADMIN_SCOPES.filter((s) => values.includes(s));
    } else {
      const networks = values.map((v) => ({ v, network: parseIpNetwork(v) }));
      const bad = networks.find((n) => !n.network);
      if (bad) problems.push(`cidr: "${bad.v.slice(0, 64)}" is not an IP address or CIDR`);
      else parsed.cidrs = networks.map((n) => n.network?.cidr ?? n.v);
    }
  }
  return problems.length ? { problems } : { entry: parsed };
}

/** Distinct characters, and the Shannon estimate of the key's bits (length × bits per character). */
function entropyOf(key: string): { distinct: number; bits: number } {
  const counts = new Map<string, number>();
  for (const ch of key) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / key.length) * Math.log2(n / key.length);
  return { distinct: counts.size, bits: perChar * key.length };
}

export const PRODUCTION_MIN_KEY_LENGTH = 32;
const MIN_DISTINCT = 8;
const MIN_BITS = 80;
const PLACEHOLDER = /change.?me|replace|placeholder|example|your.?(admin|api)?.?key|secret|password/i;

/**
 * Why production must not accept this key, or undefined. A placeholder from an example file, a
 * short key, or one with little variety (few distinct characters, a repeated pattern, a low
 * estimate of bits) could be guessed; 32 random bytes (base64url, 43 characters) pass easily.
 * A `sha256:` digest hides the key, so only its form is checked.
 */
export function weakKeyReason(key: string): string | undefined {
  if (PLACEHOLDER.test(key)) return 'is a placeholder; generate a key';
  if (key.length < PRODUCTION_MIN_KEY_LENGTH)
    return `is shorter than ${PRODUCTION_MIN_KEY_LENGTH} characters`;
  const { distinct, bits } = entropyOf(key);
  if (/^(.+?)\1+$/s.test(key) || distinct < MIN_DISTINCT || bits < MIN_BITS)
    return 'has too little entropy (few distinct characters or a repeated pattern)';
  return undefined;
}
