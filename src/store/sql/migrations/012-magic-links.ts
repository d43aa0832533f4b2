import type { Migration } from '../migrations';

/**
 * 12: the sign-in link of the code email (docs/security.md, "Magic links"). Additive: a nullable
 * column, so a release still on migration 11's code runs unchanged against a migrated database.
 * `link_hash` is the SHA-256 (hex) of the link's 128-bit random token, set by the mail worker
 * with the code's hash on the same row, so the link lives and dies with its code: it works
 * while the row is pending and unexpired, and any sign-in of the address (by the code or by a
 * link) consumes the row. Unique, which also serves the lookup; NULLs (codes without a link)
 * never collide. MongoDB: `otps.linkHash`, unique where a string.
 */
export const magicLinkMigrations: Migration[] = [
  {
    id: 12,
    name: 'otps.link_hash: the single-use sign-in link bound to its code row',
    sql: `
ALTER TABLE otps ADD COLUMN IF NOT EXISTS link_hash text;
CREATE UNIQUE INDEX IF NOT EXISTS otps_link_hash_key ON otps (link_hash);
`,
  },
];
