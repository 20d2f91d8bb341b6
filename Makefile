# Stepwise: `make run` serves the app, `make test` checks it. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT

.PHONY: run test test-fast lint format migrate browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime
	$(BIN)/flask --app wsgi db upgrade

run: migrate  ## Serve on http://$(HOST):$(PORT) (SQLite in instance/, one eventlet process)
	$(BIN)/python wsgi.py

browser:  ## Debian's Chromium and PostgreSQL, for the browser and PostgreSQL tests
	@bash scripts/ensure-test-tools.sh

test: lint browser  ## Lint, then every test
	$(BIN)/python -m pytest

test-fast: lint  ## Lint, then every test but the browser, real-server (live) and PostgreSQL ones
	$(BIN)/python -m pytest -n 2 -m "not (browser or live or postgres)"

lint: $(VENV)/.dev  ## Style, the package's dependency contracts, types
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
