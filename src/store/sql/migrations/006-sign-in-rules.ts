import type { Migration } from '../migrations';

/** Migration 6: sign-in and refresh rotation, each one PL/pgSQL function. */
export const signInRuleMigrations: Migration[] = [
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
