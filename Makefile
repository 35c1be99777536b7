# Two commands for a newcomer: `make run` (portal with demo data, worker and beat) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000

.PHONY: run test install lint messages clean-demo

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

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
