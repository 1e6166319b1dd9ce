# gridgov: `make demo` runs the app on the embedded default, `make test` runs the whole suite.
# Both set up what they need (virtualenv, Python packages) and are quick on a second run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test test-sqlite test-postgres lint format bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# The demo speaks plain HTTP on 127.0.0.1; production keeps GRIDGOV_HTTPS on.
demo: install
	$(BIN)/gridgov migrate --noinput
	$(BIN)/gridgov demo
	GRIDGOV_HTTPS=0 $(BIN)/gridgov serve --host $(HOST) --port $(PORT) --escalate-every 60

serve: install
	$(BIN)/gridgov migrate --noinput
	GRIDGOV_HTTPS=0 $(BIN)/gridgov serve --host $(HOST) --port $(PORT) --escalate-every 60

# The suite runs twice: on the embedded default, then on PostgreSQL + Redis.
test: test-sqlite test-postgres

test-sqlite: install
	@echo "== tests on SQLite + in-memory channel layer =="
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest

test-postgres: install
	@bash tools/with-services.sh $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/locate.py

clean:
	rm -rf $(VENV) var
