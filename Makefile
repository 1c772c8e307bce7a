# kinerja_analysis: the README's commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# JupyterLab lives in its own environment: installed beside papermill/nbconvert it makes every process
# that imports nbformat about a second slower (jsonschema format checks compiled at import).
LABVENV := .venv-lab
LABSTAMP := $(LABVENV)/.installed
JOBS   ?= 2

.DEFAULT_GOAL := help
.PHONY: help report test test-fast fuzz lint lab demo clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS=":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,dask]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $@

report: $(STAMP) ## write the demo data if missing, then render every report to reports/demo/
	$(VENV)/bin/kinerja report --out reports/demo --jobs $(JOBS)

$(LABSTAMP): pyproject.toml
	@test -x $(LABVENV)/bin/python || $(PYTHON) -m venv $(LABVENV)
	$(LABVENV)/bin/python -m pip install -q --upgrade pip
	$(LABVENV)/bin/python -m pip install -q -e ".[lab]"
	$(LABVENV)/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $@

test: $(STAMP) $(LABSTAMP) ## run the whole test suite (unit, notebooks, end-to-end, browser, JupyterLab)
	$(PY) -m pytest -q

test-fast: $(STAMP) ## unit tests and doctests only: no notebooks, end-to-end, browser or JupyterLab runs (about a minute)
	$(PY) -m pytest -q -m "not slow" tests kinerja_analysis

fuzz: $(STAMP) ## the input fuzz test with many more generated spreadsheets (FUZZ_EXAMPLES, default 3000)
	KINERJA_FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),3000) $(PY) -m pytest -q tests/ingest/test_fuzz_input.py

lint: $(STAMP) ## ruff: lint rules and formatting (the whole tree passes both)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

lab: $(LABSTAMP) ## open the notebooks in JupyterLab (its own environment, .venv-lab)
	$(LABVENV)/bin/jupyter lab notebooks/

demo: $(STAMP) ## regenerate the demo data folder data/demo/
	$(VENV)/bin/kinerja demo --out data/demo

clean: ## remove generated reports and caches (keeps .venv)
	rm -rf reports/*/ data/processed .pytest_cache test-artifacts
