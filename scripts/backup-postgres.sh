#!/usr/bin/env bash
# Back up the PostgreSQL database to a timestamped custom-format dump (pg_dump -Fc) and prune
# dumps older than the retention period. The connection URL is never printed, and its password
# never reaches a command line: pg_dump reads it from a private temporary password file.
set -euo pipefail
# shellcheck source=lib/pg-password.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/pg-password.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/backup-postgres.sh [-h]

Writes $BACKUP_DIR/otp-postgres-<UTC timestamp>.dump (pg_dump custom format) and deletes
otp-postgres-*.dump files in BACKUP_DIR older than BACKUP_RETENTION_DAYS.

Environment:
  POSTGRESQL_URL           database URL (falls back to DATABASE_URL if it is postgres://)
  DATABASE_URL             used when POSTGRESQL_URL is unset
  BACKUP_DIR               where dumps go (default: ./backups)
  BACKUP_RETENTION_DAYS    days to keep dumps; 0 disables pruning (default: 14)

A password in the URL (user:password@ or ?password=) is never passed on pg_dump's command
line, where any user of the host could read it with `ps`: it goes into a temporary password
file (mode 0600, named by PGPASSFILE, deleted on exit) and pg_dump gets the URL without it.
Without a password in the URL, PGPASSWORD, PGPASSFILE or ~/.pgpass apply as usual.
USAGE
}

while getopts ':h' opt; do
  case "$opt" in
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

url="${POSTGRESQL_URL:-${DATABASE_URL:-}}"
case "$url" in
  postgres://* | postgresql://*) ;;
  '') echo "error: set POSTGRESQL_URL (or DATABASE_URL) to a postgres:// URL" >&2; exit 2 ;;
  *) echo "error: the database URL is not a postgres:// URL" >&2; exit 2 ;;
esac

backup_dir="${BACKUP_DIR:-./backups}"
retention_days="${BACKUP_RETENTION_DAYS:-14}"
if ! [[ "$retention_days" =~ ^[0-9]+$ ]]; then
  echo "error: BACKUP_RETENTION_DAYS must be a whole number of days" >&2
  exit 2
fi
command -v pg_dump >/dev/null || { echo "error: pg_dump not found" >&2; exit 127; }

umask 077
mkdir -p "$backup_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$backup_dir/otp-postgres-$stamp.dump"
partial="$target.partial"
if [ -e "$target" ]; then
  echo "error: $target already exists" >&2
  exit 1
fi
PG_PASSFILE=''
trap 'rm -f "$partial"; pg_remove_passfile' EXIT
pg_split_password "$url"

echo "backing up PostgreSQL to $target"
pg_dump --format=custom --no-owner --dbname="$PG_URL" --file="$partial"
mv "$partial" "$target"
echo "done: $(du -h "$target" | cut -f1) written"

if [ "$retention_days" -gt 0 ]; then
  echo "pruning dumps older than $retention_days days"
  find "$backup_dir" -maxdepth 1 -type f -name 'otp-postgres-*.dump' -mtime "+$((retention_days - 1))" -print -delete
fi
