# Two commands for a new machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PORT ?= 8501
#: make serve: app processes behind nginx (default: one per core).
REPLICAS ?=
#: Demo mode for the servers make starts (interface.md); `DASHBOARD_DEMO= make serve` turns it off.
DASHBOARD_DEMO ?= 1
#: Every package, exact versions and hashes; `make lock` writes it (see README.md).
LOCK := requirements.lock
LOCK_PLATFORM := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu

.PHONY: run serve test install lock lint typecheck unit browser nginx demo clean messages

# Packages only from the lock, checked against their hashes; the project itself
# without dependencies, built with the locked setuptools. `pip check` catches a
# dependency added to pyproject.toml but not yet locked.
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check || (echo "pyproject.toml and $(LOCK) disagree: run make lock"; exit 1)
	touch $(STAMP)

install: $(STAMP)

# uv alone, at its locked version and hash: `make lock` must work while the
# lock lags behind pyproject.toml (when a full install would refuse).
$(BIN)/uv:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	awk '/^uv==/ {keep = 1; print; next} keep && /^ / {print; next} {keep = 0}' $(LOCK) > $(VENV)/uv.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(VENV)/uv.txt

# Re-resolve pyproject.toml's dependencies (with the dev extra) for Linux
# x86_64 / Python 3.11, keeping current pins where they still fit;
# `make lock UPGRADE=1` moves every package to its newest release.
lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_PLATFORM) --generate-hashes \
		$(if $(UPGRADE),--upgrade) --custom-compile-command 'make lock' --output-file $(LOCK)

# After a load, the answers every app process would compute alike are stored
# once in the database (python -m dashboard precompute). For the scale-1 demo
# only the whole programme and one year of quarter ends: about a minute, where
# every district filter too took 5 min 22 s (6 December 2026), and the demo's
# queries take 5-50 ms a page.
DEMO_PRECOMPUTE = $(PY) -m dashboard precompute --no-districts --quarters-back 4

var/demo.sqlite: | $(STAMP)
	$(PY) -m data_access demo
	$(DEMO_PRECOMPUTE)

demo: $(STAMP)
	$(PY) -m data_access demo
	$(DEMO_PRECOMPUTE)

run: $(STAMP) var/demo.sqlite
	DASHBOARD_DEMO=$(DASHBOARD_DEMO) $(BIN)/streamlit run dashboard/app.py --server.port $(PORT)

# Production start: REPLICAS app processes behind Debian's nginx on PORT
# (deploy/serve.py). Without DASHBOARD_DATABASE_URL they share the demo database.
serve: $(STAMP) nginx $(if $(DASHBOARD_DATABASE_URL),,var/demo.sqlite)
	DASHBOARD_DEMO=$(DASHBOARD_DEMO) $(PY) -m deploy.serve --port $(PORT) \
		$(if $(REPLICAS),--replicas $(REPLICAS))

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy data_access dashboard pages bench deploy tests

# Debian's chromium for the real-browser tests (browsers cannot be downloaded
# by Playwright here). Without root or apt the e2e tests skip with a reason.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "make browser: could not install chromium; browser tests will be skipped"; \
	else echo "make browser: chromium missing and no root to install it; browser tests will be skipped"; fi

# Debian's nginx for make serve and the proxy tests (tests/test_serve.py).
nginx:
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null) \
		|| echo "make nginx: could not install nginx; proxy tests will be skipped"; \
	else echo "make nginx: nginx missing and no root to install it; proxy tests will be skipped"; fi

# The text catalogue (dashboard/i18n.py): extract the message ids the code uses
# into messages.pot, then add new ids (empty) to both catalogues and drop the
# ones no code uses. Fill in new messages in da and en; `make test` fails
# while one is missing. The app reads the .po files directly (no .mo).
LOCALE := dashboard/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k t -k N_ \
		--add-location=file --sort-output --project=interventionsteam-dashboard \
		--version=0.1.0 --copyright-holder="Københavns Kommune" \
		--header-comment="# Message ids of the Interventionsteam dashboard (make messages)." \
		-o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D dashboard \
		--no-fuzzy-matching --ignore-obsolete

unit: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

test: $(STAMP) browser nginx lint typecheck unit

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache test-output
