#!/usr/bin/env bash
# Restore an archive made by backup-mongo.sh. Destructive: each restored collection is dropped
# first (mongorestore --drop). Refuses to run without an explicit file and CONFIRM_RESTORE=yes.
# The connection URL is never printed.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: CONFIRM_RESTORE=yes scripts/restore-mongo.sh [-h] <archive.gz>

Restores <archive.gz> (mongodump --archive --gzip) with mongorestore --drop --archive --gzip.
With a database in the URL path only that database's collections are restored.
Indexes are restored with the data; run `npm run db:indexes` afterwards to be sure they match
the code.

Environment:
  MONGODB_URL        target database URL (falls back to DATABASE_URL if it is mongodb://)
  DATABASE_URL       used when MONGODB_URL is unset
  CONFIRM_RESTORE    must be exactly "yes"
  MONGORESTORE_OPLOG_REPLAY  "yes" adds --oplogReplay, for full archives made with
                     MONGODUMP_OPLOG=yes (the URL must then have no database path). Default "no".
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
shift $((OPTIND - 1))

if [ "$#" -ne 1 ]; then
  echo "error: give exactly one archive file" >&2
  usage >&2
  exit 2
fi
archive="$1"
if [ ! -f "$archive" ]; then
  echo "error: $archive is not a file" >&2
  exit 2
fi

url="${MONGODB_URL:-${DATABASE_URL:-}}"
case "$url" in
  mongodb://* | mongodb+srv://*) ;;
  '') echo "error: set MONGODB_URL (or DATABASE_URL) to a mongodb:// URL" >&2; exit 2 ;;
  *) echo "error: the database URL is not a mongodb:// URL" >&2; exit 2 ;;
esac

if [ "${CONFIRM_RESTORE:-}" != "yes" ]; then
  echo "refusing to restore: this drops and replaces the collections in the archive." >&2
  echo "Stop the API and worker, then re-run with CONFIRM_RESTORE=yes." >&2
  exit 3
fi
command -v mongorestore >/dev/null || { echo "error: mongorestore not found" >&2; exit 127; }

replay=()
if [ "${MONGORESTORE_OPLOG_REPLAY:-no}" = "yes" ]; then replay=(--oplogReplay); fi

uri_config="$(write_uri_config)"
trap 'rm -f "$uri_config"' EXIT

echo "restoring $archive"
mongorestore --quiet --config="$uri_config" --drop ${replay[@]+"${replay[@]}"} --archive="$archive" --gzip
echo "restore complete"
