import type { Migration } from '../migrations';

/** Migrations 1 to 3: the tables of every module. */
export const tableMigrations: Migration[] = [
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
  {
    id: 2,
    name: 'email suppressions, messages and delivery events',
    sql: `
CREATE TABLE email_suppressions (
  email text PRIMARY KEY,
  reason text NOT NULL CHECK (reason IN ('bounce', 'dropped', 'spamreport', 'complaint', 'manual')),
  source text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX email_suppressions_created_at_email_idx ON email_suppressions (created_at DESC, email DESC);

CREATE TABLE email_messages (
  id uuid PRIMARY KEY,
  otp_id uuid,
  email text NOT NULL,
  provider text NOT NULL,
  provider_message_id text,
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'deferred', 'bounced', 'dropped', 'opened', 'failed')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX email_messages_provider_message_id_idx ON email_messages (provider, provider_message_id);
CREATE INDEX email_messages_email_created_at_idx ON email_messages (email, created_at DESC);
CREATE INDEX email_messages_created_at_idx ON email_messages (created_at);

CREATE TABLE email_events (
  id bigserial PRIMARY KEY,
  provider text NOT NULL,
  provider_event_id text NOT NULL,
  message_id uuid REFERENCES email_messages (id) ON DELETE CASCADE,
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX email_events_provider_event_id_key ON email_events (provider, provider_event_id);
CREATE INDEX email_events_message_id_idx ON email_events (message_id, occurred_at);
CREATE INDEX email_events_created_at_idx ON email_events (created_at);
`,
  },
  {
    id: 3,
    name: 'admin IP allow/deny rules',
    sql: `
CREATE TABLE ip_rules (
  id uuid PRIMARY KEY,
  cidr text NOT NULL,
  action text NOT NULL CHECK (action IN ('allow', 'deny')),
  note text,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ip_rules_cidr_action_key ON ip_rules (cidr, action);
`,
  },
];
