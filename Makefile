# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck arch unit system-deps bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the suite needs: xmlsec1 (signature interoperability), poppler-utils (pdftoppm:
# the DANFE NFC-e QR code is decoded from the rasterised page), curl (the quick start is run verbatim).
system-deps:
	@if ! command -v xmlsec1 >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 poppler-utils curl >/dev/null; \
	  else echo "missing Debian packages: sudo apt-get install xmlsec1 poppler-utils curl" >&2; exit 1; fi; fi

# The API on 127.0.0.1:8000 (SQLite in ./data), the SEFAZ homologação simulator and the demo emitter
# (docs/quickstart.md). Options of `ortho-fiscal serve` pass through ARGS, e.g. make run ARGS=--no-simulator
run: install
	$(BIN)/ortho-fiscal serve $(ARGS)

lint: install
	$(BIN)/ruff check .

arch: install
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

# The storage tests run on SQLite and PostgreSQL: a throw-away PostgreSQL cluster is started
# (scripts/postgres-test.sh installs it from the Debian packages when absent) unless
# ORTHO_TEST_POSTGRES_URL is already set. Without PostgreSQL its variants fail under CI=true and
# are skipped, with the reason, elsewhere.
test: install system-deps lint arch typecheck
	@if [ -n "$$ORTHO_TEST_POSTGRES_URL" ]; then exec $(BIN)/pytest; fi; \
	pg="$$(scripts/postgres-test.sh start)" || pg=""; \
	if [ -n "$$pg" ]; then \
	  export ORTHO_TEST_POSTGRES_URL="$${pg%% *}"; trap 'scripts/postgres-test.sh stop "$${pg#* }"' EXIT; \
	else echo "PostgreSQL indisponível para os testes" >&2; fi; \
	$(BIN)/pytest

BENCH_STAMP := $(VENV)/.bench-installed
ERP_VENV := .venv-erpbrasil

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,bench]'
	test -x $(ERP_VENV)/bin/python || $(PYTHON) -m venv $(ERP_VENV)
	$(ERP_VENV)/bin/pip install --quiet -r bench/requirements-erpbrasil.txt
	touch $(BENCH_STAMP)

# Every benchmark, each printing its figures beside the references it names (measured in the same run).
bench: $(BENCH_STAMP)
	BENCH_ERPBRASIL_PYTHON=$(CURDIR)/$(ERP_VENV)/bin/python $(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(ERP_VENV) .pytest_cache .mypy_cache .ruff_cache
