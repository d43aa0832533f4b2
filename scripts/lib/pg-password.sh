# Sourced by backup-postgres.sh and restore-postgres.sh (bash). Keeps the database password off
# the command line: a password in a postgres:// URL passed as --dbname would be readable by every
# user of the host in the process list (`ps`, /proc/<pid>/cmdline).
#
# pg_split_password URL
#   Sets PG_URL to URL without its password (user-info `user:password@` and a `password=` query
#   parameter are both removed; everything else is kept). When URL held a password, writes it to
#   a new private password file (mode 0600, `*:*:*:*:<password>`, see libpq's "The Password
#   File"), exports PGPASSFILE naming it and unsets PGPASSWORD, so the URL's password is the one
#   used, as before. PG_PASSFILE names that file ('' when none): the caller deletes it on exit,
#   e.g. with pg_remove_passfile in an EXIT trap.

# Percent-decoding as libpq does it (%XX only; '+' stays '+').
pg_percent_decode() {
  local s="${1//\\/\\\\}"
  printf '%b' "${s//%/\\x}"
}

pg_split_password() {
  local url="$1" scheme rest head userinfo hostpart base param kept='' password='' found=''
  local -a params
  PG_URL="$url"
  PG_PASSFILE=''
  scheme="${url%%://*}"
  rest="${url#*://}"
  # libpq takes the user-info up to the first '@' that comes before any '/'.
  head="${rest%%[@/]*}"
  if [ "${rest:${#head}:1}" = '@' ]; then
    userinfo="$head"
    hostpart="${rest:$((${#head} + 1))}"
    if [[ "$userinfo" == *:* ]]; then
      password="$(pg_percent_decode "${userinfo#*:}")"
      found=1
      userinfo="${userinfo%%:*}"
    fi
    rest="${userinfo:+$userinfo@}$hostpart"
  fi
  if [[ "$rest" == *\?* ]]; then
    base="${rest%%\?*}"
    IFS='&' read -r -a params <<<"${rest#*\?}"
    for param in ${params[@]+"${params[@]}"}; do
      case "$param" in
        password=*)
          password="$(pg_percent_decode "${param#password=}")"
          found=1
          ;;
        '') ;;
        *) kept="${kept:+$kept&}$param" ;;
      esac
    done
    rest="$base${kept:+?$kept}"
  fi
  PG_URL="$scheme://$rest"
  if [ -n "$found" ]; then
    PG_PASSFILE="$(mktemp "${TMPDIR:-/tmp}/pgpass.XXXXXX")"
    chmod 600 "$PG_PASSFILE"
    # In a password file, '\' and ':' are escaped with a backslash.
    password="${password//\\/\\\\}"
    printf '*:*:*:*:%s\n' "${password//:/\\:}" >"$PG_PASSFILE"
    export PGPASSFILE="$PG_PASSFILE"
    unset PGPASSWORD
  fi
}

pg_remove_passfile() {
  if [ -n "${PG_PASSFILE:-}" ]; then rm -f -- "$PG_PASSFILE"; fi
}
