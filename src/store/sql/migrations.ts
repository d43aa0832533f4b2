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
  {
    id: 4,
    name: 'otp_admit_request: a code request in one statement',
    // A code request's checks as one function call (one round trip instead of eight). Each
    // statement of a volatile PL/pgSQL function takes a fresh snapshot, so the counts after
    // the lock see every request that committed before it was granted. The MongoDB
    // implementation of the same rule: admitCodeRequest in
    // src/modules/auth/repositories/mongo/login-rules.ts; tests/contract/admit-code-request.suite.ts
    // holds both to the same cases.
    sql: `
CREATE FUNCTION otp_admit_request(
  p_id uuid, p_email text, p_domain text, p_ip text, p_now timestamptz, p_expires_at timestamptz,
  p_cooldown_seconds integer, p_max_per_ip integer, p_max_per_email integer, p_max_per_domain integer
) RETURNS TABLE (outcome text, retry_after_ms double precision)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  latest timestamptz;
  cooldown_ends timestamptz;
  hour_ago timestamptz := p_now - interval '1 hour';
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_email, 0));
  SELECT created_at INTO latest FROM otps WHERE email = p_email ORDER BY created_at DESC LIMIT 1;
  cooldown_ends := latest + make_interval(secs => p_cooldown_seconds);
  IF cooldown_ends > p_now THEN
    RETURN QUERY SELECT 'cooldown'::text, extract(epoch FROM cooldown_ends - p_now)::double precision * 1000;
    RETURN;
  END IF;
  IF (SELECT count(*) FROM otps WHERE request_ip = p_ip AND created_at > hour_ago) >= p_max_per_ip THEN
    RETURN QUERY SELECT 'ip_capped'::text, NULL::double precision;
    RETURN;
  END IF;
  IF (SELECT count(*) FROM otps WHERE email = p_email AND created_at > hour_ago) >= p_max_per_email
     OR (SELECT count(*) FROM otps WHERE email_domain = p_domain AND created_at > hour_ago) >= p_max_per_domain THEN
    RETURN QUERY SELECT 'capped'::text, NULL::double precision;
    RETURN;
  END IF;
  INSERT INTO otps (id, email, email_domain, purpose, request_ip, created_at, expires_at)
  VALUES (p_id, p_email, p_domain, 'login', p_ip, p_now, p_expires_at);
  RETURN QUERY SELECT 'created'::text, NULL::double precision;
END
$fn$;
`,
  },
  {
    id: 5,
    name: 'otp_count_verify_attempt: a guess counted in one statement',
    // The failure budgets, the attempt on each live code and the failure row, before the
    // comparison: a wrong guess is one round trip (it was eight). Same locking and fresh
    // snapshots as otp_admit_request. Its WHERE clause is the SQL family's one definition of
    // a live code. The MongoDB implementation: countVerifyAttempt in
    // src/modules/auth/repositories/mongo/login-rules.ts; tests/contract/count-verify-attempt.suite.ts
    // and sign-in.suite.ts hold both to the same cases.
    sql: `
CREATE FUNCTION otp_count_verify_attempt(
  p_email text, p_ip text, p_now timestamptz, p_active_codes integer, p_max_attempts integer,
  p_max_failed_per_ip integer, p_max_failed_per_email integer
) RETURNS TABLE (outcome text, retry_after_ms double precision, otp_id uuid, code_hash text)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  hour_ago timestamptz := p_now - interval '1 hour';
  spent integer;
  oldest timestamptz;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_email, 0));
  -- The IP's budget, then the address's; the first spent one answers (count and oldest at once).
  SELECT count(*), min(created_at) INTO spent, oldest FROM auth_failures WHERE ip = p_ip AND created_at > hour_ago;
  IF spent < p_max_failed_per_ip THEN
    SELECT count(*), min(created_at) INTO spent, oldest FROM auth_failures WHERE email = p_email AND created_at > hour_ago;
    IF spent < p_max_failed_per_email THEN
      spent := NULL;
    END IF;
  END IF;
  IF spent IS NOT NULL THEN
    RETURN QUERY SELECT 'locked'::text,
      extract(epoch FROM coalesce(oldest, p_now) + interval '1 hour' - p_now)::double precision * 1000,
      NULL::uuid, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY
  WITH newest AS (
    SELECT o.id FROM otps o WHERE o.email = p_email ORDER BY o.created_at DESC LIMIT p_active_codes FOR UPDATE
  ), live AS (
    UPDATE otps o SET attempts = o.attempts + 1
    FROM newest n
    WHERE o.id = n.id AND o.code_hash IS NOT NULL AND o.consumed_at IS NULL
      AND o.expires_at > p_now AND o.attempts < p_max_attempts
    RETURNING o.id, o.code_hash
  )
  SELECT 'counted'::text, NULL::double precision, live.id, live.code_hash FROM live;
  INSERT INTO auth_failures (email, ip, created_at) VALUES (p_email, p_ip, p_now);
END
$fn$;
`,
  },
  {
    id: 6,
    name: 'otp_sign_in and refresh_token_rotate: sign-in and refresh in one statement each',
    // New functions only, so a release still on migration 5's code runs unchanged against a
    // migrated database. Both take row locks in the order otp_count_verify_attempt does
    // (codes newest first; a token, then its session) so that none of them deadlocks another.
    // The MongoDB implementation of the same rules: signIn and rotateRefreshToken in
    // src/modules/auth/repositories/mongo/login-rules.ts; tests/contract/sign-in.suite.ts
    // and rotate-refresh-token.suite.ts hold both to the same cases.
    sql: `
CREATE FUNCTION otp_sign_in(
  p_email text, p_otp_id uuid, p_now timestamptz, p_may_create_user boolean, p_user_id uuid,
  p_session_id uuid, p_ip text, p_user_agent text, p_device_fingerprint text, p_created_at timestamptz,
  p_expires_at timestamptz, p_absolute_expires_at timestamptz, p_token_hash text
) RETURNS TABLE (outcome text, user_row json)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  signed_in users%ROWTYPE;
BEGIN
  IF NOT p_may_create_user AND NOT EXISTS (SELECT 1 FROM users WHERE email = p_email) THEN
    RETURN QUERY SELECT 'signup_closed'::text, NULL::json;
    RETURN;
  END IF;
  -- The consume's row locks, newest first as otp_count_verify_attempt takes them. A racer
  -- that waited here finds the winner's codes consumed: its matched code is no longer pending.
  PERFORM 1 FROM otps WHERE email = p_email AND consumed_at IS NULL ORDER BY created_at DESC FOR UPDATE;
  IF NOT EXISTS (SELECT 1 FROM otps WHERE id = p_otp_id AND email = p_email AND consumed_at IS NULL AND expires_at > p_now) THEN
    RETURN QUERY SELECT 'code_used'::text, NULL::json;
    RETURN;
  END IF;
  UPDATE otps SET consumed_at = p_now WHERE email = p_email AND consumed_at IS NULL;
  DELETE FROM auth_failures WHERE email = p_email;
  INSERT INTO users (id, email, created_at, last_login_at) VALUES (p_user_id, p_email, p_now, p_now)
  ON CONFLICT (email) DO UPDATE SET last_login_at = EXCLUDED.last_login_at
  RETURNING * INTO signed_in;
  INSERT INTO sessions (id, user_id, ip, user_agent, device_fingerprint, created_at, last_used_at, expires_at, absolute_expires_at)
  VALUES (p_session_id, signed_in.id, p_ip, p_user_agent, p_device_fingerprint, p_created_at, p_created_at, p_expires_at, p_absolute_expires_at);
  INSERT INTO refresh_tokens (token_hash, session_id, parent_hash, created_at, rotated_at)
  VALUES (p_token_hash, p_session_id, NULL, p_created_at, NULL);
  RETURN QUERY SELECT 'signed_in'::text, row_to_json(signed_in);
END
$fn$;

CREATE FUNCTION refresh_token_rotate(
  p_token_hash text, p_successor_hash text, p_now timestamptz, p_idle_expires_at timestamptz,
  p_grace_seconds integer
) RETURNS TABLE (outcome text, session_row json, user_row json)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  tok refresh_tokens%ROWTYPE;
  ses sessions%ROWTYPE;
  child refresh_tokens%ROWTYPE;
BEGIN
  -- A racing refresh of the same token waits here and then sees it rotated: the grace path.
  SELECT * INTO tok FROM refresh_tokens WHERE token_hash = p_token_hash FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::json, NULL::json;
    RETURN;
  END IF;
  SELECT * INTO ses FROM sessions WHERE id = tok.session_id FOR UPDATE;
  IF NOT FOUND OR ses.revoked_at IS NOT NULL THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::json, NULL::json;
    RETURN;
  END IF;
  IF ses.expires_at <= p_now OR ses.absolute_expires_at <= p_now THEN
    RETURN QUERY SELECT 'expired'::text, NULL::json, NULL::json;
    RETURN;
  END IF;
  IF tok.rotated_at IS NULL THEN
    UPDATE refresh_tokens SET rotated_at = p_now WHERE token_hash = p_token_hash;
    INSERT INTO refresh_tokens (token_hash, session_id, parent_hash, created_at, rotated_at)
    VALUES (p_successor_hash, ses.id, p_token_hash, p_now, NULL);
  ELSE
    SELECT * INTO child FROM refresh_tokens WHERE parent_hash = p_token_hash;
    IF NOT FOUND OR child.rotated_at IS NOT NULL
       OR p_now - tok.rotated_at > make_interval(secs => p_grace_seconds) THEN
      UPDATE sessions SET revoked_at = p_now, revoked_reason = 'refresh_token_reused'
       WHERE id = ses.id AND revoked_at IS NULL;
      RETURN QUERY SELECT 'reused'::text, json_build_object('id', ses.id, 'user_id', ses.user_id), NULL::json;
      RETURN;
    END IF;
  END IF;
  UPDATE sessions SET last_used_at = p_now, expires_at = LEAST(p_idle_expires_at, ses.absolute_expires_at)
   WHERE id = ses.id RETURNING * INTO ses;
  RETURN QUERY SELECT 'ok'::text, row_to_json(ses), row_to_json(u) FROM users u WHERE u.id = ses.user_id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::json, NULL::json;
  END IF;
END
$fn$;
`,
  },
];
