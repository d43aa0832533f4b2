import type { Migration } from '../migrations';

/** Migrations 4 and 5: the code request and the guess, each one PL/pgSQL function. */
export const codeRuleMigrations: Migration[] = [
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
];
