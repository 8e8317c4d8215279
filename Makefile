# Batchwise: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON_VERSION := $(shell cat .python-version)
# The interpreter that creates .venv: pyenv's Python of .python-version, else python3.13.
PYENV_PYTHON := $(shell command -v pyenv >/dev/null 2>&1 && echo "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python")
PYTHON ?= $(if $(wildcard $(PYENV_PYTHON)),$(PYENV_PYTHON),python3.13)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and calendar files name the address the site is served on.
DEV_ENV = DJANGO_DEBUG=1 BATCHWISE_SITE_URL=http://$(HOST):$(PORT)

.PHONY: help install css run worker demo test test-days screenshots lint check format check-python clean lighthouse bench

help:
	@echo "make run     install, migrate, load demo data and serve http://$(HOST):$(PORT)"
	@echo "make test    run the whole test suite (DATABASE_URL picks the database)"
	@echo "make css     build the stylesheet from courses/assets/scss (run by run and test)"
	@echo "make bench  req/s, HTML size and memory of the public pages (QUICK=1: a short run)"
	@echo "make lighthouse  Lighthouse scores of the public pages on a production-settings server"
	@echo "make screenshots  save the home, course, schedule and enquiry pages to docs/screenshots/"
	@echo "make lint    ruff check and format check"
	@echo "make check   import-linter's layer contracts and mypy's type check"

check-python:
	@command -v $(PYTHON) >/dev/null || { echo "Python $(PYTHON_VERSION) not found:" \
	  "install it ('pyenv install $(PYTHON_VERSION)') or run make with PYTHON=/path/to/python3.13"; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements/base.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

# The stylesheet: Bootstrap's Sass with the brand, purged of every rule no template, form or
# script uses (docs/design.md). Rebuilt each time (two seconds): a template another change
# gave a new class must never be served a stale purge.
css: install
	npm run --silent build:css

# The task worker (it sends the emails) runs beside the dev server and stops with it.
run: install css
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(DEV_ENV) $(BIN)/python manage.py db_worker

demo: install
	$(DEV_ENV) $(BIN)/python manage.py load_demo

# Spread over every core (pytest-xdist); each worker has its own test database.
test: install css
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# The whole suite with the machine's clock on each day of one week (Monday to Sunday) and on
# the day Europe's clocks go forward: no test may depend on what day it is. Debian's faketime.
DAYS ?= 2026-12-07 2026-12-08 2026-12-09 2026-12-10 2026-12-11 2026-12-12 2026-12-13 2027-03-28
test-days: install css
	@for day in $(DAYS); do \
	  echo "== the suite on $$day"; \
	  faketime -f "@$$day 10:00:00" $(BIN)/python -m pytest -n auto -q $(PYTEST_ARGS) || exit 1; \
	done

# The layout browser tests also save full-page screenshots at phone and desktop width;
# commit them when the design changes.
screenshots: install css
	BATCHWISE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_layout.py -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The layers (courses never imports enquiries; no cycles) and the types. Settings are read
# for django-stubs, so they get the same harmless defaults as the tests.
check: install
	$(BIN)/lint-imports
	DJANGO_SECRET_KEY=type-check-only DJANGO_ALLOWED_HOSTS=localhost $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles build var courses/static/batchwise/dist db.sqlite3 db.sqlite3-*

# Lighthouse's four scores for the public pages, mobile and desktop, on a production-settings
# server (gunicorn, DEBUG off, demo data); reports in build/lighthouse/ (bench/lighthouse.py).
lighthouse: install css
	$(BIN)/python bench/lighthouse.py

# Requests per second of the public pages against a hello-world view, their HTML size and the
# workers' memory, with the demo grown to 50, 200 and 1,000 batches, on PostgreSQL and gunicorn
# (bench/run.py); writes docs/benchmarks.md. QUICK=1: one short round, to build/bench/.
bench: install css
	QUICK=$(QUICK) $(BIN)/python bench/run.py
