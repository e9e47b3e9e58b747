# Tawasi: `make run` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-assets bench bench-quick wrk install openapi translations clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The web server and the background worker together (Procfile, run by honcho; Ctrl-C stops both).
run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo "Tawasi on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/docs)"
	HOST=$(HOST) $(BIN)/honcho start --port $(PORT) --procfile Procfile

test: install test-assets
	scripts/test

# The Node packages the tests use, pinned in package-lock.json, into node_modules/
# (git-ignored): the htmx file the browser tests serve in place of its CDN URL, and the
# contract test's Redocly CLI and openapi-typescript. Without npm those tests skip, saying
# so; under CI=true that is a failure (.ci/run installs npm).
test-assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts; \
	elif [ "$${CI:-}" = "true" ]; then echo "npm is missing and CI=true: apt-get install nodejs npm" >&2; exit 1; \
	else echo "SKIPPED: npm is missing (apt-get install npm), so the browser and contract tests will skip."; fi

# Over real HTTP (gunicorn + wrk), SQLite and PostgreSQL, 10,000 and 1,000,000 orders:
# writes docs/PERFORMANCE.md (40-60 minutes on 2 cores). bench-quick: 10,000 orders on
# SQLite, 5 s runs, printed only (for iterating). Both need wrk (apt-get install wrk).
bench: install wrk
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_sync.py  # the week offline: sync requests and gzip bytes

bench-quick: install wrk
	BENCH_ORDERS=$${BENCH_ORDERS:-10000} BENCH_DATABASES=$${BENCH_DATABASES:-sqlite} \
		BENCH_DURATION=$${BENCH_DURATION:-5} BENCH_OUT=$${BENCH_OUT:--} $(BIN)/python scripts/bench.py

wrk:
	@command -v wrk >/dev/null 2>&1 || { echo "make bench needs wrk, the HTTP load generator:" \
		"sudo apt-get install wrk (Debian/Ubuntu), brew install wrk (macOS)" >&2; exit 1; }

openapi: install
	$(FLASK) openapi write --format=yaml openapi.yaml

# Error texts in Arabic: extract the English msgids, merge them into the Arabic .po
# (translate the new empty msgstr there, then run this again), compile the .mo.
# Both .po and .mo are committed; tests/test_i18n.py fails when the .mo is stale.
PYBABEL := $(BIN)/pybabel
translations: install
	$(PYBABEL) extract -F babel.cfg -k lazy_gettext -k _l -k lazy_pgettext:1c,2 \
		--add-location=file --sort-output --no-wrap --project=Tawasi \
		-o translations/messages.pot .
	$(PYBABEL) update -i translations/messages.pot -d translations -l ar --no-fuzzy-matching \
		--ignore-obsolete --no-wrap
	$(PYBABEL) compile -d translations -l ar --statistics

clean:
	rm -rf $(VENV) .pytest_cache node_modules test-artifacts
