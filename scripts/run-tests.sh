#!/usr/bin/env bash
# The whole test suite: static checks, then every test on SQLite, then again on PostgreSQL.
# In CI (CI=true) PostgreSQL and Redis are required: their absence fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

ruff check .
ruff format --check .
python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without a migration: run manage.py makemigrations" >&2
  exit 1
}
python manage.py check

echo "== tests on SQLite"
unset DATABASE_URL
pytest -n 2 "$@"

PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/camau}"
if python - "$PG_URL" <<'PY'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
then
  echo "== tests on PostgreSQL (those that use the database; the others ran above)"
  DATABASE_URL="$PG_URL" pytest -n 2 -m "not browser" --database-tests-only "$@"
elif [ "${CI:-}" = "true" ] || [ "${REQUIRE_SERVICES:-}" = "1" ]; then
  echo "PostgreSQL is required here but unreachable at $PG_URL" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $PG_URL: the PostgreSQL pass is skipped on this machine"
fi
