#!/usr/bin/env bash
# Smoke test of the sign-in flow against one deployment of the service, in test mode: request a
# code for a test account, verify it with the account's fixed code, read GET /v1/users/me.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/smoke.sh [-h] <base-url>

  1. waits up to SMOKE_WAIT seconds for GET /health/ready to answer 200;
  2. POST /v1/otp/request {email: SMOKE_EMAIL}            -> 202 (after a 429 with
     Retry-After <= SMOKE_WAIT, the account's resend cooldown: waits and asks once more)
  3. POST /v1/otp/verify  {email: SMOKE_EMAIL, code: SMOKE_CODE} -> 200 with an access token
  4. GET  /v1/users/me with that token                    -> 200 for SMOKE_EMAIL
Exits 0 when all pass, 1 at the first that does not (its status is printed; never a token).

Environment:
  SMOKE_EMAIL   a test account of the target's OTP_TEST_ACCOUNTS (required)
  SMOKE_CODE    its fixed code (required)
  SMOKE_WAIT    seconds to wait for readiness, and at most for a cooldown (default 60)
The target must run with OTP_TEST_ACCOUNTS listing SMOKE_EMAIL:SMOKE_CODE; production
(NODE_ENV=production) refuses test accounts, so run this against a non-production deployment.
USAGE
}

if [ "${1:-}" = "-h" ]; then usage; exit 0; fi
if [ "$#" -ne 1 ]; then usage >&2; exit 2; fi
base="${1%/}"
: "${SMOKE_EMAIL:?SMOKE_EMAIL is required (a test account)}"
: "${SMOKE_CODE:?SMOKE_CODE is required (its fixed code)}"
wait_seconds="${SMOKE_WAIT:-60}"

body="$(mktemp)"
head="$(mktemp)"
trap 'rm -f "$body" "$head"' EXIT

# call METHOD PATH [JSON] [TOKEN]: prints the status; the answer's body is left in $body.
call() {
  local args=(-sS -o "$body" -D "$head" -w '%{http_code}' --max-time 10 -X "$1" "$base$2")
  if [ -n "${3:-}" ]; then args+=(-H 'content-type: application/json' --data "$3"); fi
  if [ -n "${4:-}" ]; then args+=(-H "authorization: Bearer $4"); fi
  curl "${args[@]}" 2>/dev/null || echo 000
}
json_field() {
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const v=JSON.parse(s)[process.argv[1]];process.stdout.write(v==null?"":String(v))}catch{}})' "$1" <"$body"
}
fail() {
  echo "smoke: FAILED: $1" >&2
  exit 1
}

ready=""
for _ in $(seq 1 "$wait_seconds"); do
  if [ "$(call GET /health/ready)" = 200 ]; then ready=yes; break; fi
  sleep 1
done
[ -n "$ready" ] || fail "GET /health/ready did not answer 200 within ${wait_seconds}s"
echo "smoke: GET /health/ready 200"

email_json="$(node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$SMOKE_EMAIL")"
code_json="$(node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$SMOKE_CODE")"

status="$(call POST /v1/otp/request "{\"email\":$email_json}")"
# The account's resend cooldown (a smoke test a moment ago, say the blue-green script's first
# one): wait as told by Retry-After, up to SMOKE_WAIT, and ask once more.
if [ "$status" = 429 ]; then
  retry_after="$(tr -d '\r' <"$head" | awk -F': *' 'tolower($1) == "retry-after" { print $2 }')"
  if [ -n "$retry_after" ] && [ "$retry_after" -le "$wait_seconds" ] 2>/dev/null; then
    echo "smoke: POST /v1/otp/request 429 (the account's cooldown): retrying in ${retry_after}s"
    sleep "$retry_after"
    status="$(call POST /v1/otp/request "{\"email\":$email_json}")"
  fi
fi
[ "$status" = 202 ] || fail "POST /v1/otp/request answered $status, expected 202"
echo "smoke: POST /v1/otp/request 202"

status="$(call POST /v1/otp/verify "{\"email\":$email_json,\"code\":$code_json}")"
[ "$status" = 200 ] || fail "POST /v1/otp/verify answered $status, expected 200 (is $SMOKE_EMAIL a test account there?)"
token="$(json_field accessToken)"
[ -n "$token" ] || fail "POST /v1/otp/verify gave no accessToken"
echo "smoke: POST /v1/otp/verify 200"

status="$(call GET /v1/users/me '' "$token")"
[ "$status" = 200 ] || fail "GET /v1/users/me answered $status, expected 200"
[ "$(json_field email)" = "${SMOKE_EMAIL,,}" ] || fail "GET /v1/users/me is not the test account"
echo "smoke: GET /v1/users/me 200; the sign-in flow works"
