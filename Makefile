# Foster: `make demo` runs the platform, `make test` runs every check. Both install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test install assets check lint typecheck pytest lock messages clean

install: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(NODE_STAMP)

## Run the platform on its embedded default: SQLite under var/, demo data, a task worker, http://127.0.0.1:8000/
demo: install
	FOSTER_MODE=demo $(BIN)/foster demo

## Run every check: lint, types, Django checks, migrations, import contracts, the whole test suite.
test: install
	scripts/system-packages
	FOSTER_MODE=test $(BIN)/ruff check src tests bench
	FOSTER_MODE=test $(BIN)/ruff format --check src tests bench
	FOSTER_MODE=test $(BIN)/foster check --fail-level WARNING
	FOSTER_MODE=test $(BIN)/foster makemigrations --check --dry-run
	FOSTER_MODE=test $(BIN)/lint-imports
	FOSTER_MODE=test $(BIN)/mypy
	$(BIN)/bandit -q -r src -c pyproject.toml
	FOSTER_MODE=test $(BIN)/pytest $(PYTEST_ARGS) || { status=$$?; if [ $$status -eq 5 ]; then \
		echo "pytest collected no tests: a suite that runs nothing proves nothing (see testpaths in pyproject.toml)." >&2; \
		fi; exit $$status; }

## Recompile the Python lock file after editing pyproject.toml (needs the registry).
lock: $(PY_STAMP)
	$(BIN)/pip-compile --extra dev --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements/lock.txt pyproject.toml

## Extract and compile translations (needs GNU gettext); the compiled .mo files are committed.
messages: $(PY_STAMP)
	cd src/foster && FOSTER_MODE=test ../../$(BIN)/foster makemessages -l ko -l en --no-obsolete --no-location
	cd src/foster && FOSTER_MODE=test ../../$(BIN)/foster compilemessages

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
