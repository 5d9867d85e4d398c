"""Shared fixtures. Flow tests share one temporary Prefect server for the whole session."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tasks.models import InputFile, RawDocument
from tasks.read.read import read_document

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
    import websockets.asyncio.connection
    from prefect.testing.utilities import prefect_test_harness

    # Prefect's events client keeps a websocket open in a thread of its own, whose keepalive
    # pings draw their payload from the global `random`: Hypothesis saw that state move
    # during whichever property test was generating and warned that the test's strategy
    # used `random`. The pings get a generator of their own.
    with pytest.MonkeyPatch.context() as patch, prefect_test_harness():
        patch.setattr(websockets.asyncio.connection, "random", random.Random())
        yield


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths read, run after run."""
    seen: list[str] = []

    def counting(file: InputFile, max_bytes: int) -> RawDocument:
        seen.append(file.path)
        return read_document(file, max_bytes)

    monkeypatch.setattr("tasks.read.read.read_document", counting)
    return seen


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files the test just wrote count as settled (else they are racy for two seconds)."""
    monkeypatch.setattr("tasks.output.stamps.RACY_NS", 0)
