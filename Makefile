# Stepwise: `make run` serves the app, `make test` checks it. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# axe-core, pinned in tests/browser/package-lock.json, for the browser tests' accessibility checks.
AXE := tests/browser/node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT

.PHONY: run test test-fast lint format migrate browser axe risk-model bench clean

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

browser:  ## Debian's Chromium, PostgreSQL, Redis and haproxy, for the browser, PostgreSQL and scale-out tests
	@bash scripts/ensure-test-tools.sh

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

axe: $(AXE)  ## axe-core from npm (pinned; no CDN), which the browser tests run on every page and state

SLOW_TESTS := browser or live or postgres or scaleout

# The slow tests go to the two workers a file at a time: a file's tests share its servers' timing.
test: lint browser axe  ## Lint, then every test: the fast ones, then the slow ones, each on two workers
	$(BIN)/python -m pytest -n 2 -m "not ($(SLOW_TESTS))"
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "$(SLOW_TESTS)"

test-fast: lint  ## Lint, then every test but the browser, real-server (live), PostgreSQL and scale-out ones
	$(BIN)/python -m pytest -n 2 -m "not ($(SLOW_TESTS))"

lint: $(VENV)/.dev  ## Style, the package's dependency contracts, types
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The operating thresholds: 0.7, and 0.8 where the list read a harmless context, for the model
# fitted to convergence and trained also on batch AM; 0.7 chosen on read sets after held-out 64 and
# confirmed on held-out 67 by a plan written before it was read (docs/safety.md).
risk-model: $(VENV)/.runtime  ## Retrain the risk screen's second opinion from the labelled data in tests/support (about 21 min)
	$(BIN)/flask --app wsgi train-risk-model --threshold 0.7 --context-threshold 0.8

# socket.io-client, pinned in benchmarks/crowd/package-lock.json: the benchmark's phones and consoles.
CROWD := benchmarks/crowd/node_modules/socket.io-client/package.json
BENCH_ARGS ?=

$(CROWD): benchmarks/crowd/package.json benchmarks/crowd/package-lock.json
	cd benchmarks/crowd && npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench: $(VENV)/.dev $(CROWD)  ## Stepwise against a bare Flask-SocketIO relay: 4,000 phones, eventlet then gevent (BENCH_ARGS="--help")
	ulimit -n "$$(ulimit -Hn)"; $(BIN)/python benchmarks/crowd/run.py --ramp 600,800,1000,1200 --repeat 3 $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
