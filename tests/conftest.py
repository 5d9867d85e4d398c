"""Shared fixtures. Flow tests share one temporary Prefect server for the whole session."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

# Property tests: no per-example deadline (speed is measured by bench/, not by tests), and in
# CI the same examples every run, so a red build is reproducible and never a coin toss.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SOURCE_SEED = "001_5e6ffe34fbe02a36.txt"
VARIANT_SEED = "000_bf654fb3b9717d80.txt"
TODAY = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def restore_environment() -> Iterator[None]:
    """The CLI writes its Prefect defaults into os.environ (`configure_prefect`): keep one
    test's from reaching the next test's subprocesses."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect server and database for every flow test (startup costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield
