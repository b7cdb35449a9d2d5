# Two commands do all the set-up on a fresh machine (Python 3.11+, Node 20+):
#   make demo   -- builds the sample grotto and serves it on 127.0.0.1
#   make test   -- the whole test suite
# Both are idempotent and quick the second time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PORT   ?= 5006

.PHONY: demo edit test check bench setup clean

VIEWER_BUNDLE := vtour/web/dist/vtour-viewer.js
MODEL_BUNDLE  := vtour/web/dist/vtour-model.js

setup: $(STAMP) $(NODE_STAMP) $(VIEWER_BUNDLE) $(MODEL_BUNDLE)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# one build writes both bundles (&: a grouped target, GNU make 4.3+)
$(VIEWER_BUNDLE) $(MODEL_BUNDLE) &: $(NODE_STAMP) package.json vtour/web/build.mjs $(shell find vtour/web/src -type f 2>/dev/null)
	npm run build --silent

demo: setup
	$(BIN)/vtour demo --port $(PORT)

# the sample grotto (made and built by `vtour demo` if absent) in the tour editor, on 127.0.0.1
edit: setup
	$(BIN)/vtour demo --no-serve
	$(BIN)/vtour edit tour.yaml -o export/vtour-sample --port $(PORT)

# lint, format, types and the viewer's pure modules first: seconds, before minutes of pytest
check: setup
	$(BIN)/ruff check vtour
	$(BIN)/ruff format --check vtour
	$(BIN)/mypy
	node --test tests/js/*.test.mjs

test: check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules export .pytest_cache
