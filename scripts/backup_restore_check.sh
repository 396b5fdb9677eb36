#!/usr/bin/env bash
# Backs up the Kinerja database with pg_dump (custom format), restores the dump into a scratch
# database and compares the row count of every table, so a backup is known to restore.
#
#   DATABASE_URL=postgres://kinerja@127.0.0.1:5432/kinerja scripts/backup_restore_check.sh [dump]
#
# The dump goes to the file given, else to $BACKUP_DIR (default ./var/backups) as
# kinerja-YYYYmmdd-HHMMSS.dump. The scratch database, <name>_restore_check, needs the right to
# create databases (CREATEDB); it is dropped afterwards unless KEEP_SCRATCH=1. Exit status 0 only
# when every table holds the same number of rows in the restore as in the database.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:port/database}"
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *) echo "DATABASE_URL is not PostgreSQL" >&2; exit 2 ;; esac

database="${DATABASE_URL##*/}"
database="${database%%\?*}"
server="${DATABASE_URL%/*}"
scratch="${database}_restore_check"
scratch_url="$server/$scratch"
dump="${1:-${BACKUP_DIR:-var/backups}/kinerja-$(date +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$dump")"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
kinerja="${KINERJA:-$(dirname "$0")/../.venv/bin/kinerja}"

started=$(date +%s)
echo "== pg_dump $database -> $dump"
pg_dump --format=custom --no-owner --no-privileges --file="$dump" "$DATABASE_URL"
echo "   $(du -h "$dump" | cut -f1) in $(( $(date +%s) - started )) s"

echo "== restore into scratch database $scratch"
psql -q -v ON_ERROR_STOP=1 "$server/postgres" -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null
psql -q -v ON_ERROR_STOP=1 "$server/postgres" -c "CREATE DATABASE \"$scratch\"" >/dev/null
cleanup() {
  if [ "${KEEP_SCRATCH:-0}" != 1 ]; then
    psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
restore_started=$(date +%s)
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$scratch_url" "$dump"
echo "   restored in $(( $(date +%s) - restore_started )) s"

# Exact counts (count(*), not the planner's estimates) of every table in the public schema.
count_rows() {
  psql -X -At -v ON_ERROR_STOP=1 "$1" <<'SQL'
SELECT format('SELECT %L, count(*) FROM %I.%I', tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
\gexec
SQL
}
count_rows "$DATABASE_URL" | sort > "$dump.counts.source"
count_rows "$scratch_url" | sort > "$dump.counts.restored"

echo "== row counts (source | restored)"
main="core_agency|core_membership|core_auditevent|auth_user|organisation_orgunit|organisation_position|organisation_employee|competencies_competency|assessment_cycle|assessment_raterassignment|assessment_response|assessment_responseitem|results_cycleresult|results_employeeresult|development_developmentplan"
join -t'|' -a1 -a2 -e MISSING -o 0,1.2,2.2 "$dump.counts.source" "$dump.counts.restored" \
  | grep -E "^($main)\|" | awk -F'|' '{ printf "   %-34s %10s %10s  %s\n", $1, $2, $3, ($2 == $3 ? "ok" : "DIFFERENT") }'
tables=$(wc -l < "$dump.counts.source")
rows=$(awk -F'|' '{ s += $2 } END { print s + 0 }' "$dump.counts.source")
if cmp -s "$dump.counts.source" "$dump.counts.restored"; then
  verdict="OK: all $tables tables, $rows rows, restored with the same row counts"
  status=0
else
  verdict="FAILED: row counts differ:"
  status=1
  diff "$dump.counts.source" "$dump.counts.restored" || true
fi
rm -f "$dump.counts.source" "$dump.counts.restored"
if [ -x "$kinerja" ]; then  # the restored database is one this release can run on as it is
  scratch_var=$(mktemp -d)   # any user may run this: nothing is written into the checkout
  if plan=$(DATABASE_URL="$scratch_url" KINERJA_VAR_DIR="$scratch_var" "$kinerja" showmigrations --plan 2>&1); then
    missing=$(printf '%s\n' "$plan" | grep -c '^\[ \]' || true)
    if [ "$missing" = 0 ]; then
      echo "   every migration of this release is applied in the restore"
    else
      echo "   FAILED: the restore lacks $missing migrations of this release"; status=1
    fi
  else
    echo "   (migrations not checked: kinerja did not run: $(printf '%s\n' "$plan" | tail -n1))"
  fi
  rm -rf "$scratch_var"
fi
echo "== $verdict ($(( $(date +%s) - started )) s in all)"
exit $status
