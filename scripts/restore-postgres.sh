#!/usr/bin/env bash
# Restore a dump made by backup-postgres.sh. Destructive: existing objects are dropped first
# (pg_restore --clean --if-exists). Refuses to run without an explicit file and CONFIRM_RESTORE=yes.
# The connection URL is never printed, and its password never reaches a command line:
# pg_restore reads it from a private temporary password file.
set -euo pipefail
# shellcheck source=lib/pg-password.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/pg-password.sh"

usage() {
  cat <<'USAGE'
Usage: CONFIRM_RESTORE=yes scripts/restore-postgres.sh [-h] <dump-file>

Restores <dump-file> (pg_dump custom format) into the database, replacing the objects it
contains (pg_restore --clean --if-exists --no-owner), in a single transaction.

Environment:
  POSTGRESQL_URL     target database URL (falls back to DATABASE_URL if it is postgres://)
  DATABASE_URL       used when POSTGRESQL_URL is unset
  CONFIRM_RESTORE    must be exactly "yes"

A password in the URL (user:password@ or ?password=) is never passed on pg_restore's command
line, where any user of the host could read it with `ps`: it goes into a temporary password
file (mode 0600, named by PGPASSFILE, deleted on exit) and pg_restore gets the URL without it.
Without a password in the URL, PGPASSWORD, PGPASSFILE or ~/.pgpass apply as usual.
USAGE
}

while getopts ':h' opt; do
  case "$opt" in
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

if [ "$#" -ne 1 ]; then
  echo "error: give exactly one dump file" >&2
  usage >&2
  exit 2
fi
dump="$1"
if [ ! -f "$dump" ]; then
  echo "error: $dump is not a file" >&2
  exit 2
fi

url="${POSTGRESQL_URL:-${DATABASE_URL:-}}"
case "$url" in
  postgres://* | postgresql://*) ;;
  '') echo "error: set POSTGRESQL_URL (or DATABASE_URL) to a postgres:// URL" >&2; exit 2 ;;
  *) echo "error: the database URL is not a postgres:// URL" >&2; exit 2 ;;
esac

if [ "${CONFIRM_RESTORE:-}" != "yes" ]; then
  echo "refusing to restore: this drops and replaces the data in the target database." >&2
  echo "Stop the API and worker, then re-run with CONFIRM_RESTORE=yes." >&2
  exit 3
fi
command -v pg_restore >/dev/null || { echo "error: pg_restore not found" >&2; exit 127; }

echo "checking $dump"
pg_restore --list "$dump" >/dev/null

PG_PASSFILE=''
trap pg_remove_passfile EXIT
pg_split_password "$url"

echo "restoring $dump"
pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$PG_URL" "$dump"
echo "restore complete"
