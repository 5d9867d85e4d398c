"""A flow run inside the CLI keeps the CLI's signal handlers (flows/interrupts.py)."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from flows.ingest import ingest_flow
from flows.interrupts import SIGNALS, stop_on_signals
from flows.options import IngestOptions
from flows.stages import discover_task
from tests.conftest import SEEDS, TODAY

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]


def test_the_cli_keeps_its_signal_handlers_during_a_flow_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prefect swaps in its own SIGTERM handler for a flow run, which raised into a task's
    setup and failed a signalled run with exit 1 instead of 143, once in four runs."""
    seen: list[Any] = []

    def discover_seeing_handlers(*arguments: Any) -> Any:
        seen.append({signum: signal.getsignal(signum) for signum in SIGNALS})
        return discover_task(*arguments)

    monkeypatch.setattr("flows.ingest.discover_task", discover_seeing_handlers)
    with stop_on_signals():
        ours = {signum: signal.getsignal(signum) for signum in SIGNALS}
        ingest_flow(str(SEEDS), str(tmp_path), IngestOptions(today=TODAY))
    assert seen == [ours]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
