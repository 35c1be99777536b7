#!/usr/bin/env bash
# The whole test suite: static checks (lint, import contracts, migrations), then every test on
# SQLite, then again on PostgreSQL.
# In CI (CI=true) PostgreSQL and Redis are required: their absence fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

ruff check .
ruff format --check .
# Imports point one way (contracts in pyproject.toml, [tool.importlinter]).
lint-imports --no-logo
python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without a migration: run manage.py makemigrations" >&2
  exit 1
}
python manage.py check

# pytest's status 5 means no test was selected: arguments that name tests of one pass only.
run_pytest() {
  local status=0
  pytest "$@" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
    exit "$status"
  fi
}

echo "== tests on SQLite"
unset DATABASE_URL
run_pytest -n 2 -m "not deploy" "$@"

# Installation and production configuration, once: the lock files, collectstatic with the
# production storage, every process refusing a bad configuration, and the README's production
# steps on a fresh clone (PostgreSQL and Redis; required in CI like the passes around it).
echo "== deployment tests"
run_pytest -n 2 -m deploy "$@"

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
  DATABASE_URL="$PG_URL" run_pytest -n 2 -m "not browser and not deploy" --database-tests-only "$@"
elif [ "${CI:-}" = "true" ] || [ "${REQUIRE_SERVICES:-}" = "1" ]; then
  echo "PostgreSQL is required here but unreachable at $PG_URL" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $PG_URL: the PostgreSQL pass is skipped on this machine"
fi
