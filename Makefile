# The two commands of the README: `make demo` and `make test`.
# Each creates the virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL := postgresql://postgres@127.0.0.1:5432/test

.PHONY: demo test lint format postgres browser i18n run clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Kent Bot needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	@echo "Installing Kent Bot and its libraries into $(VENV) (first run only; a minute or two)..."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## chat with the bot offline, in this terminal (no token, no network)
	$(BIN)/kentbot demo $(ARGS)

run: $(STAMP)  ## run the real bot: needs KENTBOT_TOKEN in the environment
	$(BIN)/kentbot run $(ARGS)

test: $(STAMP) postgres browser lint  ## lint, type-check, and run every test on SQLite and PostgreSQL
	$(BIN)/python -m pytest $(ARGS)

# The one place style, types and layers are checked (CI runs it through `make test`; the
# pre-commit hook runs it before each commit).
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)  ## format the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Start the local PostgreSQL server when it is installed but down (CI machines have it).
postgres:
	@if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
		echo "starting the local PostgreSQL server"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start || true; \
		for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi

# The browser tests (tests/browser) drive a real headless Chromium: install Debian's
# chromium and chromium-driver when they are missing and apt-get can (CI machines).
browser:
	@if ! command -v chromedriver >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Chromium and ChromeDriver for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver fonts-dejavu-core >/dev/null || true; \
	fi

i18n: $(STAMP)  ## extract texts from the code into locales/ and report untranslated ones
	$(BIN)/python locales/update_catalogs.py

clean:
	rm -rf $(VENV) data/demo.sqlite .pytest_cache .mypy_cache .ruff_cache
