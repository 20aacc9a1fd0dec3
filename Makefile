# PAR INDEX / SIPAS — the two commands a new user needs:
#   make run    set up everything (virtualenv, dependencies, migrations, reference, published and demo data)
#               and start the public app (port 8501) and the internal app (port 8502) on the embedded SQLite store
#   make test   set up and run the whole suite (lint, types, unit, integration on SQLite and PostgreSQL,
#               AppTest, real-browser tests, the nginx front)
#   make serve  the same demo behind nginx (several public app processes, press kits) on port 8080
# Every target installs what it needs.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# axe-core for the accessibility checks of the browser tests: from the npm registry, pinned (tests/e2e/package*.json)
AXE := tests/e2e/node_modules/axe-core/axe.min.js
PUBLIC_PORT ?= 8501
INTERNAL_PORT ?= 8502
DEMO_SCALE ?= small
DEMO_YEARS ?= 2022-2025
DEMO_SEED ?= 20251
PYTEST_ARGS ?=
export PYTHONPATH := $(CURDIR)

SERVE_PORT ?= 8080
PUBLIC_PROCESSES ?= 2

.PHONY: run serve test bench lint typecheck migrate seed install install-dev system-test-deps browser-test-deps serve-deps apps clean help

help:
	@sed -n '1,8p' Makefile

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	$(PY) -m backend migrate

# migrate + reference + frameworks + published record + demo data + computed, published demo result sets
seed: install
	$(PY) -m backend seed --years $(DEMO_YEARS) --scale $(DEMO_SCALE) --seed $(DEMO_SEED)

run: seed
	@echo ""
	@echo "  Public app   (press, provinces; published results only): http://localhost:$(PUBLIC_PORT)"
	@echo "  Internal app (staff login, review and approval):         http://localhost:$(INTERNAL_PORT)"
	@echo "  Demo logins, if created by this run: data/demo_credentials.txt"
	@echo "  Stop both with Ctrl+C."
	@echo ""
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	  $(VENV)/bin/streamlit run dashboards/internal_app.py --server.port $(INTERNAL_PORT) --server.headless true & \
	  $(VENV)/bin/streamlit run dashboards/public_app.py --server.port $(PUBLIC_PORT) --server.headless true & \
	  wait

# Debian packages the suite needs, installed if missing: PostgreSQL (integration tests), Chromium (browser
# tests), npm (axe-core for the accessibility checks), nginx (the front and the kit's embargo test),
# LibreOffice Writer without GUI (report PDF).
system-test-deps:
	@missing=""; office=""; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	  command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	  command -v soffice >/dev/null 2>&1 || office="libreoffice-writer-nogui"; \
	  if [ -n "$$missing$$office" ]; then \
	    if [ "$$(id -u)" != "0" ]; then echo "Need root to apt-get install$$missing $$office (or install them yourself)"; exit 1; fi; \
	    echo "Installing Debian packages:$$missing $$office"; \
	    apt-get update -qq; \
	    if [ -n "$$missing" ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; fi; \
	    if [ -n "$$office" ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$office >/dev/null || exit 1; fi; \
	  fi
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null && command -v chromium >/dev/null && command -v npm >/dev/null \
	  && test -x /usr/sbin/nginx \
	  && command -v soffice >/dev/null && echo "system test dependencies: ok"

# axe-core (accessibility checks in the browser tests) from the npm registry, exactly as pinned in
# tests/e2e/package-lock.json
browser-test-deps: $(AXE)
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	@touch $@

# nginx for `make serve`, installed if missing
serve-deps:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" != "0" ]; then echo "Need root to apt-get install nginx (or install it yourself)"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null; }

# the demo behind nginx on this machine: PUBLIC_PROCESSES public app processes (sticky), the internal app at
# /internal/, press kits at /releases/ (released at their minute), /healthz — all on 127.0.0.1:SERVE_PORT
serve: seed serve-deps
	$(PY) -m backend serve --port $(SERVE_PORT) --public-processes $(PUBLIC_PROCESSES)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install-dev
	$(VENV)/bin/mypy backend geo

test: install-dev system-test-deps $(AXE) lint typecheck
	PAR_REQUIRE_PG=1 PAR_REQUIRE_BROWSER=1 PAR_REQUIRE_SERVERS=1 $(VENV)/bin/pytest -n 2 --dist loadgroup --durations=15 $(PYTEST_ARGS)

bench: install-dev
	$(PY) -m pip install --quiet --disable-pip-version-check duckdb
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null; } || true
	$(PY) -m backend personal-key
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) tests/e2e/node_modules data/app.db data/app.db-wal data/app.db-shm
