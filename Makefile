# Quick start: `make demo` and `make test` work on a fresh machine with only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench catalogues clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# A throwaway demo store in the repo (never your real store); rebuilt on every run.
demo: $(STAMP)
	$(BIN)/fit demo --reset --store .demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# Merge any locales/<lang>/*.json into the gettext .po files and compile the .mo files.
catalogues: $(STAMP)
	$(BIN)/python tools/catalogues.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .demo build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
