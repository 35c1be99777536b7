# Two commands for a newcomer: `make run` (portal with demo data, worker and beat) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000

.PHONY: run test install lock lint messages clean-demo

install: $(VENV)/.installed

# Exactly the versions (and file hashes) in the lock file, then the project itself from this
# folder; its dependencies are already there, so --no-deps.
$(VENV)/.installed: requirements/dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Rewrites the lock files from pyproject.toml: production (main dependencies and the s3 extra)
# and dev (the same versions plus the dev extra). Versions already locked are kept unless
# pyproject.toml asks otherwise; `make lock LOCK_FLAGS=--upgrade` moves every indirect
# dependency to its newest release.
LOCK = $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_FLAGS)
lock: install
	$(LOCK) --extra s3 -o requirements/production.txt
	$(LOCK) --extra s3 --extra dev -c requirements/production.txt -o requirements/dev.txt

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py run_portal $(ADDR)

test: install
	PATH="$(abspath $(BIN)):$$PATH" bash scripts/run-tests.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete -i ".venv/*" -i "static/vendor/*" -i "staticfiles/*"
	$(BIN)/python manage.py compilemessages -l vi -l en

clean-demo:
	rm -rf var/
