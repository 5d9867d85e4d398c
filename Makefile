# Quick start: `make ingest` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
INPUT ?= seeds
OUT ?= out

.PHONY: install ingest test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

install: $(STAMP)

ingest: $(STAMP)
	$(BIN)/copydesk ingest "$(INPUT)" --out "$(OUT)"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Benchmarks read ../shared/corpora (absent on a user's clone: each then says so, exit 2).
bench: $(STAMP)
	$(BIN)/python bench/charset_samples.py
	$(BIN)/python bench/ftfy_cases.py
	$(BIN)/python bench/reuters.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/matching_scale.py
	$(BIN)/python bench/runners.py --corpus scale --corpus reuters
	$(BIN)/python bench/incremental.py

clean:
	rm -rf $(VENV) "$(OUT)" .pytest_cache .mypy_cache .ruff_cache
