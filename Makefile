# Every target creates its own virtual environment first: a fresh machine needs nothing but python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv demo test bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tieout demo --out demo/Reconciliation-demo.xlsx

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) tests/bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) demo build *.egg-info

# The Excel add-in dist/Tieout.xlam (ribbon/README.md). Interpreter paths on the users' machines, if not the default:
#   make addin INTERPRETER_WIN='C:\Users\me\.tieout\venv\Scripts\pythonw.exe' INTERPRETER_MAC=/Users/me/.tieout/venv/bin/python
.PHONY: addin
addin: $(STAMP)
	$(PY) -m tieout.ribbon.build_xlam --out dist/Tieout.xlam $(if $(INTERPRETER_WIN),--interpreter-win '$(INTERPRETER_WIN)') $(if $(INTERPRETER_MAC),--interpreter-mac '$(INTERPRETER_MAC)')
