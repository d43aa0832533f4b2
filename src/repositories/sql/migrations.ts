/**
 * Versioned schema. Append only: a released migration is never edited. Applied at start
 * (and by `npm run migrate`) inside one transaction each, recorded in schema_migrations.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    id: 1,
    name: 'users, otps, sessions, refresh tokens, auth failures',
    sql: `
CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL,
  last_login_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_created_at_id_idx ON users (created_at, id);

CREATE TABLE otps (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  email_domain text NOT NULL,
  purpose text NOT NULL DEFAULT 'login',
  code_hash text,
  attempts integer NOT NULL DEFAULT 0,
  request_ip text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz
);
CREATE INDEX otps_email_created_at_idx ON otps (email, created_at DESC);
CREATE INDEX otps_email_expires_at_idx ON otps (email, expires_at);
CREATE INDEX otps_request_ip_created_at_idx ON otps (request_ip, created_at);
CREATE INDEX otps_email_domain_created_at_idx ON otps (email_domain, created_at);
CREATE INDEX otps_expires_at_idx ON otps (expires_at);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  ip text,
  user_agent text,
  device_fingerprint text,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user_id_created_at_idx ON sessions (user_id, created_at DESC, id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  parent_hash text,
  created_at timestamptz NOT NULL,
  rotated_at timestamptz
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);
CREATE UNIQUE INDEX refresh_tokens_parent_hash_key ON refresh_tokens (parent_hash);

CREATE TABLE auth_failures (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  ip text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX auth_failures_email_created_at_idx ON auth_failures (email, created_at);
CREATE INDEX auth_failures_ip_created_at_idx ON auth_failures (ip, created_at);
`,
  },
];
