# Two commands for a new machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test install lint typecheck unit browser demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

var/demo.sqlite: | $(STAMP)
	$(PY) -m data_access demo

demo: $(STAMP)
	$(PY) -m data_access demo

run: $(STAMP) var/demo.sqlite
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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

unit: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

test: $(STAMP) browser lint typecheck unit

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-output
