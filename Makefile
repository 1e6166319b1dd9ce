# gridgov: `make demo` runs the app on the embedded default, `make test` runs the whole suite.
# Both set up what they need (virtualenv, Python packages) and are quick on a second run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install pwa-build demo serve test test-sqlite test-postgres lint format bench clean messages

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# The map report's Chinese text needs a CJK font; without one it is drawn in English only.
	@if [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] && command -v apt-get >/dev/null \
		&& [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-noto-cjk; fi
	@# The PWA's tests drive Debian's Chromium (Playwright's own browser download is not used).
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && apt-get install -y -qq chromium; fi
	@# The multi-host test puts Debian's nginx in front of two app hosts, as a child process of its
	@# own; the package's system service is not used by the test.
	@if [ ! -x /usr/sbin/nginx ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && apt-get install -y -qq nginx; fi
	touch $(INSTALLED)

install: $(INSTALLED)

# The PWA: `npm ci` only when the lock changed (the stamp), the build only when a source did.
# A changed GRIDGOV_TILE_URL needs `make -B pwa-build`.
PWA_STAMP := pwa/node_modules/.installed
PWA_SRC := $(shell find pwa/src -type f 2>/dev/null)

$(PWA_STAMP): pwa/package-lock.json pwa/package.json
	cd pwa && npm ci --no-audit --no-fund --loglevel=error
	touch $(PWA_STAMP)

pwa/dist/sw.js: $(PWA_STAMP) pwa/build.mjs $(PWA_SRC)
	node pwa/build.mjs

pwa-build: pwa/dist/sw.js

# The demo speaks plain HTTP on 127.0.0.1; production keeps GRIDGOV_HTTPS on.
demo: install pwa-build
	$(BIN)/gridgov migrate --noinput
	$(BIN)/gridgov demo
	GRIDGOV_HTTPS=0 $(BIN)/gridgov serve --host $(HOST) --port $(PORT) --jobs-every 60

serve: install pwa-build
	$(BIN)/gridgov migrate --noinput
	GRIDGOV_HTTPS=0 $(BIN)/gridgov serve --host $(HOST) --port $(PORT) --jobs-every 60

# The suite runs twice: on the embedded default, then on PostgreSQL + Redis.
test: test-sqlite test-postgres

test-sqlite: install pwa-build
	@echo "== tests on SQLite + in-memory channel layer =="
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest

test-postgres: install pwa-build
	@bash tools/with-services.sh $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every figure of docs/performance.md, in its order; each bench prints its targets with met or
# MISSED and the machine pace beside each measurement. All but the first need PostgreSQL +
# Redis: started if down, and a failure (not a skip, hence CI=true) if they cannot be.
# About 20 minutes, most of it loading a million incidents for the statistics (kept after).
WITH_SERVICES := CI=true bash tools/with-services.sh $(BIN)/python

bench: install
	$(BIN)/python bench/locate.py
	$(WITH_SERVICES) bench/boundaries.py --db
	$(WITH_SERVICES) bench/ingest.py
	$(WITH_SERVICES) bench/fanout.py
	$(BIN)/python bench/fanout.py --embedded
	$(WITH_SERVICES) bench/stats.py
	$(WITH_SERVICES) bench/request_profile.py
	$(WITH_SERVICES) bench/request_profile.py --stats

clean:
	rm -rf $(VENV) var pwa/dist pwa/node_modules

# Translations after adding a message: gis/ through gis/i18n.py (stdlib gettext), backend/ through
# Django's. New entries arrive with an empty msgstr to translate; then run it again to compile.
# Both .mo files are committed, so an install needs no gettext tools.
GIS_PO := gis/locale/zh_Hans/LC_MESSAGES/gis.po
messages: install
	xgettext --language=Python --keyword=_ --from-code=UTF-8 --no-location --no-wrap --sort-output \
		--output=gis/locale/gis.pot $$(find gis -name "*.py" | sort)
	msgmerge --quiet --update --no-location --no-wrap --no-fuzzy-matching --backup=none $(GIS_PO) gis/locale/gis.pot
	@# The date would make every two branches that add a message conflict.
	sed -i "/^\"POT-Creation-Date:/d" $(GIS_PO)
	rm gis/locale/gis.pot
	msgfmt --check-format -o $(GIS_PO:.po=.mo) $(GIS_PO)
	cd backend && ../$(BIN)/gridgov makemessages -l zh_Hans --no-location --ignore "migrations/*"
	cd backend && ../$(BIN)/gridgov compilemessages -l zh_Hans
