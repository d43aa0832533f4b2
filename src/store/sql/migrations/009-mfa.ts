import type { Migration } from '../migrations';

/** Migration 9: the TOTP second factor, recovery codes and a session's assurance level. */
export const mfaMigrations: Migration[] = [
  {
    id: 9,
    name: 'mfa: totp_factors, recovery_codes, sessions.aal and sessions.authenticated_at',
    // Additive only. A factor's secret is stored encrypted (AES-256-GCM, docs/security.md);
    // last_used_step makes a TOTP step single use (one conditional UPDATE). Recovery codes are
    // stored as keyed hashes. A session's level (aal1/aal2) and its last authentication
    // (sign-in or step-up) drive the token claims and the step-up window; NULL = its sign-in.
    // MongoDB: the totpFactors and recoveryCodes collections and the same session fields.
    sql: `
CREATE TABLE totp_factors (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret_encrypted text NOT NULL,
  status text NOT NULL CHECK (status IN ('unconfirmed', 'active')),
  last_used_step bigint,
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz
);
CREATE UNIQUE INDEX totp_factors_user_idx ON totp_factors (user_id);
CREATE TABLE recovery_codes (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);
ALTER TABLE sessions ADD COLUMN aal text NOT NULL DEFAULT 'aal1';
ALTER TABLE sessions ADD COLUMN authenticated_at timestamptz;
`,
  },
];
