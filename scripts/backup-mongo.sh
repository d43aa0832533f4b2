#!/usr/bin/env bash
# Back up the MongoDB database to a timestamped gzipped archive (mongodump --archive --gzip) and
# prune archives older than the retention period. The connection URL is never printed.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/backup-mongo.sh [-h]

Writes $BACKUP_DIR/otp-mongo-<UTC timestamp>.archive.gz (mongodump --archive --gzip) and
deletes otp-mongo-*.archive.gz files in BACKUP_DIR older than BACKUP_RETENTION_DAYS.
With a database in the URL path (mongodb://host/otp) only that database is dumped.

Environment:
  MONGODB_URL              database URL (falls back to DATABASE_URL if it is mongodb://)
  DATABASE_URL             used when MONGODB_URL is unset
  BACKUP_DIR               where archives go (default: ./backups)
  BACKUP_RETENTION_DAYS    days to keep archives; 0 disables pruning (default: 14)
  MONGODUMP_OPLOG          "yes" adds --oplog (a consistent point-in-time dump of a replica
                           set); mongodump allows it only for a full dump, i.e. a URL with
                           no database path. Default "no".
USAGE
}

# Hand the URL to the tool in a private config file (--config, database tools >= 100.3) rather
# than on the command line, where other users of the host could read it in the process list.
write_uri_config() {
  local file
  file="$(mktemp)"
  chmod 600 "$file"
  # YAML single-quoted scalar: double any single quote.
  printf "uri: '%s'\n" "${url//\'/\'\'}" >"$file"
  printf '%s' "$file"
}

while getopts ':h' opt; do
  case "$opt" in
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

url="${MONGODB_URL:-${DATABASE_URL:-}}"
case "$url" in
  mongodb://* | mongodb+srv://*) ;;
  '') echo "error: set MONGODB_URL (or DATABASE_URL) to a mongodb:// URL" >&2; exit 2 ;;
  *) echo "error: the database URL is not a mongodb:// URL" >&2; exit 2 ;;
esac

backup_dir="${BACKUP_DIR:-./backups}"
retention_days="${BACKUP_RETENTION_DAYS:-14}"
if ! [[ "$retention_days" =~ ^[0-9]+$ ]]; then
  echo "error: BACKUP_RETENTION_DAYS must be a whole number of days" >&2
  exit 2
fi
command -v mongodump >/dev/null || { echo "error: mongodump not found" >&2; exit 127; }

oplog=()
if [ "${MONGODUMP_OPLOG:-no}" = "yes" ]; then oplog=(--oplog); fi

umask 077
mkdir -p "$backup_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$backup_dir/otp-mongo-$stamp.archive.gz"
partial="$target.partial"
if [ -e "$target" ]; then
  echo "error: $target already exists" >&2
  exit 1
fi
uri_config="$(write_uri_config)"
trap 'rm -f "$partial" "$uri_config"' EXIT

echo "backing up MongoDB to $target"
mongodump --quiet --config="$uri_config" ${oplog[@]+"${oplog[@]}"} --archive="$partial" --gzip
mv "$partial" "$target"
echo "done: $(du -h "$target" | cut -f1) written"

if [ "$retention_days" -gt 0 ]; then
  echo "pruning archives older than $retention_days days"
  find "$backup_dir" -maxdepth 1 -type f -name 'otp-mongo-*.archive.gz' -mtime "+$((retention_days - 1))" -print -delete
fi
