# Every target creates its own virtual environment first: a fresh machine needs nothing but python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Debian packages some tests need: a throwaway PostgreSQL cluster (store tests run on SQLite and PostgreSQL)
# and headless LibreOffice (opens the written workbooks and converts them to PDF).
SYSTEM_PACKAGES := postgresql libreoffice-calc-nogui fonts-dejavu-core

.PHONY: venv demo test bench clean system-deps

# The suite runs on every core (pytest-xdist), one test file per worker at a time (--dist loadfile): a file's
# module fixtures are built once. Each worker has its own PostgreSQL cluster, ports and temporary folders
# (tests/README.md). TEST_WORKERS=0 runs it in this one process; --durations lists the slowest tests.
TEST_WORKERS ?= auto

venv: $(STAMP)

$(STAMP): pyproject.toml setup.py server/importers/camt/walk.pyx
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tieout demo --out demo/Reconciliation-demo.xlsx

test: $(STAMP) system-deps
	@echo "make test: Tieout installed editable with its test extras in $(VENV) ($(PY) -m pip install -e '.[test]');"
	@echo "  real bank files read in place from $(or $(TIEOUT_CORPUS),../shared/corpus) and $(or $(TIEOUT_CORPUS_WILD),../shared/corpus-wild) (TIEOUT_CORPUS, TIEOUT_CORPUS_WILD)"
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=30

# Installs them with apt-get when run as root on Debian (as CI does); elsewhere it says what is missing, and
# those tests skip locally (they fail in CI, where CI is set).
system-deps:
	@command -v dpkg >/dev/null || { echo "note: not Debian; install PostgreSQL and LibreOffice for the full suite"; exit 0; }; \
	missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "note: missing Debian packages:$$missing (sudo apt-get install$$missing)"; fi

bench: $(STAMP)
	$(PY) tests/bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) demo build *.egg-info server/importers/camt/walk.c server/importers/camt/*.so

# The Excel add-in dist/Tieout.xlam (ribbon/README.md). Interpreter paths on the users' machines, if not the default:
#   make addin INTERPRETER_WIN='C:\Users\me\.tieout\venv\Scripts\pythonw.exe' INTERPRETER_MAC=/Users/me/.tieout/venv/bin/python
.PHONY: addin
addin: $(STAMP)
	$(PY) -m tieout.ribbon.build_xlam --out dist/Tieout.xlam $(if $(INTERPRETER_WIN),--interpreter-win '$(INTERPRETER_WIN)') $(if $(INTERPRETER_MAC),--interpreter-mac '$(INTERPRETER_MAC)')
