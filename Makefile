# tda_widgets: two commands do all set-up on a fresh machine.
#   make demo   install, build, open JupyterLab on the quickstart notebook
#   make test   install, build, then ruff, mypy, tsc, vitest and pytest (browser tests included)
# Set-up steps are stamped: a second run with nothing changed reinstalls nothing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.tdaw-installed
NODE_STAMP := node_modules/.tdaw-installed
JS_SOURCES := $(shell find js -name '*.ts' -not -name '*.test.ts' -o -name '*.css' -o -name '*.mjs' 2>/dev/null)
# one stamp for every bundle js/build.mjs writes (each js/<name>/index.ts)
BUNDLE := tda_widgets/static/.tdaw-built
DEBIAN_CHROMIUM := /usr/bin/chromium
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
ROOT_FLAG := $(if $(IS_ROOT),--allow-root,)

.PHONY: help setup build demo test test-fast lint typecheck test-js test-py chromium clean test-python-range

help:
	@echo "make demo    install everything and open JupyterLab on notebooks/01_quickstart.ipynb"
	@echo "make test    install everything and run every check (ruff, mypy, tsc, vitest, pytest)"
	@echo "make test-fast  the same without browser tests and slow tests (a minute or two)"
	@echo "make build   (re)build the JavaScript bundles into tda_widgets/static/"

# --- set-up -----------------------------------------------------------------------------
$(STAMP): pyproject.toml | $(BUNDLE)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet hatchling hatch-jupyter-builder editables
	@# torch/torchvision come from the ranges in pyproject.toml; an installed torch that
	@# satisfies them is kept, so this never reinstalls it.
	$(PIP) install --quiet --no-build-isolation --editable ".[dev]"
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(BUNDLE): $(NODE_STAMP) $(JS_SOURCES)
	npm run build
	@touch $@

build: $(BUNDLE)

setup: $(STAMP) $(NODE_STAMP) $(BUNDLE)

# Chromium for the browser tests: $CHROMIUM (or $TDAW_CHROMIUM) if set, else Debian's,
# else one that `playwright install chromium` cached; as root, Debian's is installed.
chromium:
	@if [ -n "$${CHROMIUM:-}$${TDAW_CHROMIUM:-}" ]; then \
	  test -x "$${CHROMIUM:-$${TDAW_CHROMIUM}}" || { echo "CHROMIUM=$${CHROMIUM:-$${TDAW_CHROMIUM}} is not an executable"; exit 1; }; \
	elif [ -x $(DEBIAN_CHROMIUM) ]; then :; \
	elif ls "$${PLAYWRIGHT_BROWSERS_PATH:-$$HOME/.cache/ms-playwright}"/chromium-*/chrome-*/chrome >/dev/null 2>&1; then :; \
	elif [ -n "$(IS_ROOT)" ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "The browser tests need Chromium: set CHROMIUM=/path/to/chromium, or install"; \
	  echo "Debian's (sudo apt-get install chromium), or run 'make test-fast' without them"; \
	  exit 1; \
	fi

# --- use --------------------------------------------------------------------------------
demo: setup
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 $(ROOT_FLAG) notebooks/01_quickstart.ipynb

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy
	npx tsc --noEmit

test-js: setup
	npx vitest run

# two workers (pytest-xdist); --dist loadfile keeps a module on one worker, so a browser
# test module opens its notebook once; each worker starts its own JupyterLab.
# tests/conftest.py schedules it: each headless notebook run is a unit of its own, the
# longest units start first, and a worker gets cpu_count/2 BLAS and OpenMP threads
PYTEST := $(PY) -m pytest tests tda_widgets -n 2 --dist loadfile --durations=10

test-py: setup chromium
	$(PYTEST)

test: lint typecheck test-js test-py

# the supported Python range at both ends (3.10 and the newest CPython found), each with
# the wheel built here and its dependencies except torch: torch-free tests (.ci/run runs it)
test-python-range: setup
	.ci/python_range.sh

# no browser, no slow tests: the quick loop while developing (CI runs `make test`)
test-fast: lint typecheck test-js
	$(PYTEST) -m "not ui and not slow"

clean:
	rm -rf tda_widgets/static .pytest_cache .mypy_cache .ruff_cache tests/ui/artifacts
