# One entry point for people and CI. Every target installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The newest Python Azure runs; pip resolves azure-functions 2.x there. Found as python3.13
# on PATH, else pyenv's 3.13.0; whatever it is, check-313 refuses anything but 3.13.
PY313 ?= $(shell { command -v python3.13 >/dev/null && python3.13 -c 'import sys; print(sys.executable)'; } 2>/dev/null || PYENV_VERSION=3.13.0 python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
VENV313 ?= .venv313
IS_313 := import sys; sys.exit(sys.version_info[:2] != (3, 13))

# npm: the npm tools tests use (Azurite, LangGraph's JS client, React and esbuild); package.json + package-lock.json pin them.
.PHONY: help venv venv313 check-313 langgraph-dev-venv browser browser-check npm lint typecheck pytest test test-fast test-template test-313 demo bench bench-venv soak clean

help:
	@echo "make demo   generate a service from the template and run a graph on the local host"
	@echo "make test   lint, type-check and run every test (Python 3.11 and 3.13)"
	@echo "make bench  compare with LangGraph and durabletask (bench/README.md)"
	@echo "make soak   long fuzz, load and crash suites; figures to docs/reliability.md"
	@echo "make test-fast  developers' loop: lint, types and every test but the template's (3.11)"
	@echo "make browser    install Debian's chromium with apt-get (root); make test runs it first"

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(BIN)/.installed

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

# Debian's Chromium for the inspector page tests and `draw --format svg|png`
# (Playwright drives it; nothing downloads a browser). Installing it is this target's
# job only, said aloud: a test run never installs anything (browser-check just looks).
CHROMIUM_FOUND := $(BIN)/python -c 'from azure_functions_durable_graph.cli.render import chromium_path; chromium_path()' 2>/dev/null

browser: venv
	@if $(CHROMIUM_FOUND); then exit 0; fi; \
	if ! command -v apt-get >/dev/null || [ ! -f /etc/debian_version ]; then \
		echo "make browser installs Debian's chromium, and this is not Debian: install Chromium"; \
		echo "with your package manager, or set DURABLE_GRAPH_CHROMIUM=/path/to/chromium"; exit 1; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "Chromium is missing; installing Debian's chromium needs root: sudo make browser"; \
		echo "(or set DURABLE_GRAPH_CHROMIUM=/path/to/chromium)"; exit 1; fi; \
	echo "Installing Debian's chromium with apt-get (about 130 packages on a fresh machine)"; \
	apt-get update -qq && apt-get install -y -qq chromium

browser-check: venv
	@$(CHROMIUM_FOUND) || { echo "Chromium not found (the inspector and draw tests drive it):"; \
		echo "run 'make browser' (Debian, as root), or set DURABLE_GRAPH_CHROMIUM=/path/to/chromium"; exit 1; }

# Azurite (the Azure Storage emulator the Azure store's tests start), @langchain/langgraph-sdk
# (LangGraph's JS client, run by node in tests/agent_server/test_js_client.py), and React with
# esbuild (tests/agent_server/test_use_stream.py bundles its useStream chat page with them).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

npm: node_modules/.installed

# Test tiers. Fast: the runtime, the local host, the CLI, the inspector page and the
# conformance suite.
# Template: generates services, builds the wheel, creates venvs (most of the time).
FAST_TESTS := tests --ignore=tests/template --deselect tests/test_readme.py::test_the_local_host_example_runs_against_a_generated_service

pytest: venv browser-check npm langgraph-dev-venv
	$(BIN)/pytest $(FAST_TESTS)

$(VENV313)/bin/.installed: pyproject.toml
	@test -n "$(PY313)" || { echo "Python 3.13 not found: set PY313=/path/to/python3.13"; exit 1; }
	@$(PY313) -c '$(IS_313)' || { echo "PY313=$(PY313) is Python $$($(PY313) -V 2>&1), not 3.13:"; \
		echo "set PY313=/path/to/python3.13"; exit 1; }
	@test -x $(VENV313)/bin/python || $(PY313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet --upgrade pip
	$(VENV313)/bin/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Also run on every use: a .venv313 built earlier from another Python is refused, never used.
check-313: $(VENV313)/bin/.installed
	@$(VENV313)/bin/python -c '$(IS_313)' || { echo "$(VENV313) runs $$($(VENV313)/bin/python -V), \
		not Python 3.13: rm -rf $(VENV313) and make venv313 PY313=/path/to/python3.13"; exit 1; }

venv313: check-313

# The generated services, one of them on Python 3.13: .venv313 is built first, and the
# template tests fail (never fall back to another Python) without it.
test-template: venv venv313
	$(BIN)/pytest tests/template tests/test_readme.py::test_the_local_host_example_runs_against_a_generated_service

# The other end of Azure's range: the runtime, the local host and the conformance
# suite again on 3.13.
test-313: venv313 browser-check npm langgraph-dev-venv
	$(VENV313)/bin/pytest $(FAST_TESTS)

test-fast: lint typecheck pytest

# Everything CI runs; on a fresh Debian machine (as root) `make browser` installs Chromium.
test: browser lint typecheck pytest test-313 test-template

demo: venv
	$(BIN)/python tools/demo.py

# LangGraph's own server (`langgraph dev`), the reference of tests/agent_server/test_differential.py:
# its pins (langgraph-api) stay out of .venv.
LANGGRAPH_DEV_VENV ?= build/venv-langgraph-dev

$(LANGGRAPH_DEV_VENV)/bin/.installed: Makefile
	@test -x $(LANGGRAPH_DEV_VENV)/bin/python || $(PYTHON) -m venv $(LANGGRAPH_DEV_VENV)
	$(LANGGRAPH_DEV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LANGGRAPH_DEV_VENV)/bin/python -m pip install --quiet 'langgraph-cli[inmem]>=0.4,<0.5' 'langgraph>=1,<2'
	@touch $@

langgraph-dev-venv: $(LANGGRAPH_DEV_VENV)/bin/.installed

# LangGraph and durabletask get their own venv (under build/, so lint and clean cover it).
BENCH_VENV ?= build/venv-bench

$(BENCH_VENV)/bin/.installed: pyproject.toml
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[bench]'
	@touch $@

bench-venv: $(BENCH_VENV)/bin/.installed

bench: bench-venv
	$(BENCH_VENV)/bin/python -m bench.compare

soak: venv
	$(BIN)/python -m tests.soak.run

clean:
	rm -rf $(VENV) $(VENV313) build node_modules .pytest_cache .mypy_cache .ruff_cache
