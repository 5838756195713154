# Two commands for a fresh clone: `make run` serves the site, `make test` runs the suite.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
DEMO_POSTINGS ?= 300
WORKERS ?= 2

.PHONY: help install run dev data test lint format bench bench-servers search-quality audit loadtest coherence backup restore clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt ".[dev]"
	touch $@

install: $(BIN)/.installed ## Create the virtual environment and install the pinned packages

# A local secret, generated once and kept out of git.
.env:
	@$(PYTHON) -c 'import secrets; print("DJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' > .env
	@echo "Wrote .env with a new DJANGO_SECRET_KEY"

data: install .env ## Migrate and load the roles and demo postings (safe to repeat)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_roles
	$(PY) manage.py seed_demo --postings $(DEMO_POSTINGS) --seed 1

# Starts the task worker (postings' aggregator feed, mail) in the background for as long as
# the command after it runs: Ctrl-C, or the server stopping, stops both.
WITH_WORKER = $(PY) manage.py run_huey & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT;

# Absolute URLs (canonical links, feeds, emails) are on SITE_URL: the environment's or
# .env's if set (read as the settings read it), else this server's own address.
run: data ## Set up and serve the site as users see it on 127.0.0.1:$(PORT), with a task worker
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@site_url=$$($(PY) -c 'import os, environ; environ.Env.read_env(os.environ.get("DJANGO_ENV_FILE", ".env"), overwrite=False); print(os.environ.get("SITE_URL", ""))') || exit 1; \
	export DJANGO_DEBUG=0 SITE_URL=$${site_url:-http://127.0.0.1:$(PORT)}; \
	echo "Serving on http://127.0.0.1:$(PORT)/, links on $$SITE_URL, a task worker beside it (Ctrl-C stops both)"; \
	$(WITH_WORKER) \
	$(BIN)/gunicorn jobsite.wsgi --bind 127.0.0.1:$(PORT) \
		--workers $(WORKERS) --access-logfile - --forwarded-allow-ips 127.0.0.1

dev: data ## Same data, Django's development server with debug and auto-reload, and a task worker
	@export DJANGO_DEBUG=1; $(WITH_WORKER) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install .env ## Set up and run the whole test suite (DATABASE_URL picks the database)
	scripts/ensure-browser
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install ## ruff: lint and formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install .env ## Run the benchmarks in bench/ and print a table
	$(PY) bench/run.py

bench-servers: install ## gunicorn versions, worker classes and counts on the bare app and the trivial view
	$(PY) bench/servers.py

# Its own scratch SQLite database unless DATABASE_URL names another; seeded once, reused.
search-quality: install .env ## nDCG@10 of /jobs/ over tests/search/judgements.toml, the share with a good first posting, the worst queries
	@mkdir -p bench/out
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/bench/out/search-quality.sqlite3} $(PY) -m bench.search_quality --prepare

# Lighthouse lives in audit/ with its own lockfile, so `make test` never installs it.
audit: install .env ## Lighthouse scores of key pages on a local production-like server
	scripts/ensure-browser
	cd audit && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; fi
	$(PY) audit/run.py

# Reliability checks on PostgreSQL and Redis (not in CI): loadtest restarts PostgreSQL.
loadtest: install ## 60 s of traffic at 32 connections with a PostgreSQL restart part-way
	$(PY) bench/loadtest.py

coherence: install ## Two gunicorn instances on one database and cache (PostgreSQL+Redis, then SQLite+default): an edit on one shows on the other
	$(PY) bench/coherence.py

FILE ?= backup-$(shell date +%Y%m%d-%H%M%S).json.gz
backup: install .env ## Dump users, roles, organisations and postings to FILE (.json.gz)
	$(PY) manage.py backup_data $(FILE)

restore: install .env ## Load FILE=… into the migrated, empty database (REPLACE=1: delete its data)
	@test -f "$(FILE)" || { echo "No backup at '$(FILE)': make restore FILE=backup-….json.gz"; exit 2; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py restore_data $(FILE) $(if $(REPLACE),--replace)

clean: ## Remove the virtual environment, database and collected static files
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal db.sqlite3-cache* staticfiles
