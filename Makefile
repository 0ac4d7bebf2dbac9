# Quick start: `make demo` and `make test` work on a fresh machine with only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# A short scripted walk-through on a throwaway store (a temp folder, removed afterwards):
# two clients, a few meetings, a correction, then the caseload and one client's record.
# FIT_TODAY fixes the calendar so the walk-through prints the same every time.
demo: $(STAMP)
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export FIT_STORE="$$tmp/store" FIT_CONFIG="$$tmp/config.toml" FIT_TODAY=2026-03-02; \
	export PATH="$(CURDIR)/$(BIN):$$PATH"; \
	run() { printf '$$ fit %s\n' "$$*"; fit "$$@"; echo; }; \
	run client add C001 --label individual --start 2026-02-02; \
	run client add T-17 --age-group adolescent --label family --start 2026-02-09; \
	run ors C001 4.5 6 5,5 7 --date 2026-02-02; \
	run srs C001 9 9.5 8.8 9.3; \
	run ors C001 6 6.5 6 7.5 --date 2026-02-16; \
	run srs C001 9.2 9.5 9 9.4; \
	run ors C001 7.5 8 7 8.2 --date 2026-03-02; \
	run ors T-17 3 4.5 5 4 --date 2026-02-09; \
	run srs T-17 8 8.5 7.9 8; \
	run ors T-17 3.5 4.5 5 4 --date 2026-02-23; \
	run ors T-17 3.5 4.5 5.5 4 --session 2; \
	run ors T-17 5 5 6 5.5 --date 2026-03-02 --json; \
	run client list; \
	run client show T-17; \
	echo "(The store was a temporary folder and is gone; your own clients live in 'fit store path'.)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
