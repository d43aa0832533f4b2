import type { Migration } from '../migrations';

/**
 * Migration 7: strangers can neither silence a domain nor lock an owner out, and the owner is
 * told (docs/security.md, "Owners, domains and the guessing bound").
 */
export const ownerRuleMigrations: Migration[] = [
  {
    id: 7,
    name: 'owner rules: the domain cap spares accounts, idle guesses spare the address, guess notices',
    // otp_admit_request: the per-domain cap no longer applies to an address that has an
    // account, so random addresses at a domain cannot stop its users' codes (the same
    // arguments and result, so CREATE OR REPLACE).
    //
    // otp_count_verify_attempt: a guess at an address with no live code (nothing it could
    // match) is a failure of the IP only (its row has no email), so guessing at an idle
    // address cannot lock its owner out; a guess against live codes still spends the
    // address's budget. It also answers `owner_notice`: true for the guess that spends the
    // address's budget when no notice went out in the last hour (guess_notices holds when the
    // last one did) and the address is not suppressed. The result gains that column, so the function is dropped and created
    // again in this one transaction; callers that name the older columns read them unchanged.
    // The MongoDB implementation of both: src/modules/auth/repositories/mongo/login-rules.ts.
    sql: `
ALTER TABLE auth_failures ALTER COLUMN email DROP NOT NULL;

CREATE TABLE guess_notices (
  email text PRIMARY KEY,
  sent_at timestamptz NOT NULL
);
CREATE INDEX guess_notices_sent_at_idx ON guess_notices (sent_at);

CREATE OR REPLACE FUNCTION otp_admit_request(
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
  -- An account first (one index probe), and the domain's count stops at the cap: a domain
  -- whose users keep signing in past its cap does not make every request count them all.
  IF (SELECT count(*) FROM otps WHERE email = p_email AND created_at > hour_ago) >= p_max_per_email
     OR (NOT EXISTS (SELECT 1 FROM users WHERE email = p_email)
         AND (SELECT count(*) FROM (SELECT 1 FROM otps WHERE email_domain = p_domain AND created_at > hour_ago
                                     LIMIT p_max_per_domain) d) >= p_max_per_domain) THEN
    RETURN QUERY SELECT 'capped'::text, NULL::double precision;
    RETURN;
  END IF;
  INSERT INTO otps (id, email, email_domain, purpose, request_ip, created_at, expires_at)
  VALUES (p_id, p_email, p_domain, 'login', p_ip, p_now, p_expires_at);
  RETURN QUERY SELECT 'created'::text, NULL::double precision;
END
$fn$;

DROP FUNCTION otp_count_verify_attempt(text, text, timestamptz, integer, integer, integer, integer);

CREATE FUNCTION otp_count_verify_attempt(
  p_email text, p_ip text, p_now timestamptz, p_active_codes integer, p_max_attempts integer,
  p_max_failed_per_ip integer, p_max_failed_per_email integer
) RETURNS TABLE (outcome text, retry_after_ms double precision, otp_id uuid, code_hash text, owner_notice boolean)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  hour_ago timestamptz := p_now - interval '1 hour';
  spent integer;
  oldest timestamptz;
  live_ids uuid[];
  live_hashes text[];
  notice boolean := false;
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
      NULL::uuid, NULL::text, false;
    RETURN;
  END IF;
  -- The live codes (this family's one definition), each charged an attempt.
  WITH newest AS (
    SELECT o.id FROM otps o WHERE o.email = p_email ORDER BY o.created_at DESC LIMIT p_active_codes FOR UPDATE
  ), live AS (
    UPDATE otps o SET attempts = o.attempts + 1
    FROM newest n
    WHERE o.id = n.id AND o.code_hash IS NOT NULL AND o.consumed_at IS NULL
      AND o.expires_at > p_now AND o.attempts < p_max_attempts
    RETURNING o.id, o.code_hash
  )
  SELECT array_agg(live.id), array_agg(live.code_hash) INTO live_ids, live_hashes FROM live;
  IF live_ids IS NULL THEN
    -- Nothing to match: the IP's failure, not the address's.
    INSERT INTO auth_failures (email, ip, created_at) VALUES (NULL, p_ip, p_now);
    RETURN;
  END IF;
  INSERT INTO auth_failures (email, ip, created_at) VALUES (p_email, p_ip, p_now);
  -- A suppressed address is never mailed, a notice included (its codes were minted before).
  IF (SELECT count(*) FROM auth_failures WHERE email = p_email AND created_at > hour_ago) >= p_max_failed_per_email
     AND NOT EXISTS (SELECT 1 FROM email_suppressions WHERE email = p_email) THEN
    INSERT INTO guess_notices AS g (email, sent_at) VALUES (p_email, p_now)
    ON CONFLICT (email) DO UPDATE SET sent_at = EXCLUDED.sent_at WHERE g.sent_at <= hour_ago
    RETURNING true INTO notice;
    notice := coalesce(notice, false);
  END IF;
  RETURN QUERY SELECT 'counted'::text, NULL::double precision, c.id, c.hash, notice
    FROM unnest(live_ids, live_hashes) AS c(id, hash);
END
$fn$;
`,
  },
];
