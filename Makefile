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
# DATATROVE_PYTHON: an interpreter with datatrove installed (not a copydesk dependency), to
# compare against its equivalent pipeline.
DATATROVE_PYTHON ?=
bench: $(STAMP)
	$(BIN)/python -m bench.cleaning.charset_samples
	$(BIN)/python -m bench.cleaning.ftfy_cases
	$(BIN)/python -m bench.reuters.run
	$(BIN)/python -m bench.matching.labelled
	$(BIN)/python -m bench.matching.wmt
	$(BIN)/python -m bench.matching.scale
	$(BIN)/python -m bench.runtime.runners --corpus scale --corpus reuters
	$(BIN)/python -m bench.runtime.incremental
	$(BIN)/python -m bench.runtime.startup
	$(BIN)/python -m bench.runtime.throughput $(if $(DATATROVE_PYTHON),--datatrove $(DATATROVE_PYTHON))
	$(BIN)/python -m bench.runtime.many_files
	$(BIN)/python -m bench.runtime.archive
	$(BIN)/python -m bench.runtime.archive --files 1000000
	$(BIN)/python -m bench.runtime.write_parts
	$(BIN)/python -m bench.formats.run
	$(BIN)/python -m bench.formats.feed_cost

clean:
	rm -rf $(VENV) "$(OUT)" .pytest_cache .mypy_cache .ruff_cache
