# Tawasi: `make run` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install openapi translations clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo "Tawasi on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/docs)"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - 'wsgi:create_app()'

test: install
	scripts/test

bench: install
	$(BIN)/python scripts/bench.py

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
	rm -rf $(VENV) .pytest_cache
